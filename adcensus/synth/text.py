"""Words and spellings for the synthetic census: names, cities, ad sentences, phone writings.

Everything here is fictional and deliberately tame: the register of a small ad
("Nouvelle sur Arras, disponible ce week-end, discrétion assurée"), never explicit.
Sentences are templates with slots; person-level slots ({adj}, {when}…) are filled
once per person, ad-level slots ({name}, {age}, {city}, {price}) once per ad.
"""

from __future__ import annotations

import unicodedata

# A few pseudonyms so common that strangers share them.
COMMON_NAMES: tuple[str, ...] = (
    "Léa", "Emma", "Chloé", "Jade", "Lina", "Inès", "Sofia", "Camille", "Manon", "Sarah",
    "Julia", "Nina",
)  # fmt: skip

RARE_NAMES: tuple[str, ...] = (
    "Adèle", "Agathe", "Aïcha", "Alba", "Albane", "Alexia", "Alice", "Alicia", "Alizée",
    "Amandine", "Ambre", "Amélie", "Ana", "Anaïs", "Andrea", "Angèle", "Angie", "Anissa",
    "Anouk", "Apolline", "Ariane", "Assia", "Astrid", "Aurélie", "Aurore", "Ayla", "Barbara",
    "Béatrice", "Bella", "Bérénice", "Bianca", "Blanche", "Brenda", "Calypso", "Candice",
    "Capucine", "Carla", "Carmen", "Caroline", "Cassandra", "Célia", "Céline", "Cerise",
    "Charlène", "Charlotte", "Cindy", "Clara", "Clarisse", "Claudia", "Cléa", "Clémence",
    "Cléo", "Coralie", "Cora", "Cybèle", "Daniela", "Daphné", "Dalia", "Diana", "Dina",
    "Dolorès", "Dora", "Eden", "Elena", "Éléonore", "Elia", "Élise", "Elsa", "Éloïse",
    "Emeline", "Émilie", "Erika", "Estelle", "Esther", "Eva", "Fanny", "Fatou", "Flavia",
    "Flora", "Florence", "Gabriela", "Gaëlle", "Gina", "Giulia", "Gloria", "Hana", "Héléna",
    "Hélène", "Hortense", "Iris", "Irina", "Isabela", "Isis", "Ivana", "Jasmine", "Jennifer",
    "Jessica", "Joana", "Joséphine", "Joy", "Judith", "Julie", "Juliette", "Justine", "Kali",
    "Karima", "Karla", "Katia", "Kelly", "Kenza", "Kiara", "Lara", "Laura", "Laurène",
    "Layla", "Leila", "Léna", "Léonie", "Lila", "Lili", "Lilou", "Lisa", "Lola", "Lorena",
    "Lou", "Louise", "Luana", "Lucia", "Lucie", "Luna", "Lydia", "Maëlle", "Maëlys", "Maïa",
    "Malika", "Margaux", "Maria", "Marie", "Marina", "Marion", "Marta", "Maya", "Mélanie",
    "Mélina", "Mélissa", "Mia", "Micaela", "Milena", "Mila", "Mina", "Miranda", "Mona",
    "Morgane", "Nadia", "Naïma", "Naomi", "Natacha", "Nathalie", "Nayla", "Nélia", "Noémie",
    "Nora", "Océane", "Olga", "Olivia", "Ophélie", "Paloma", "Paola", "Pauline", "Perla",
    "Priscilla", "Rachel", "Rebecca", "Romane", "Rosa", "Rose", "Roxane", "Ruby", "Sabrina",
    "Salomé", "Samira", "Sandra", "Sasha", "Selena", "Séverine", "Sienna", "Silvia", "Solène",
    "Sonia", "Stella", "Suzie", "Sylvia", "Talia", "Tamara", "Tania", "Tatiana", "Thaïs",
    "Tiffany", "Valentina", "Valérie", "Vanessa", "Vanille", "Vera", "Victoria", "Violette",
    "Virginie", "Yasmine", "Yuna", "Zélie", "Zoé", "Zora",
)  # fmt: skip

# Communes of the region (roughly by population, so weights can fall with rank) and the
# destinations a touring person also posts from.
REGIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "Pas-de-Calais": (
        (
            "Calais", "Boulogne-sur-Mer", "Arras", "Lens", "Liévin", "Hénin-Beaumont",
            "Béthune", "Bruay-la-Buissière", "Saint-Omer", "Carvin", "Berck", "Avion",
            "Outreau", "Saint-Martin-Boulogne", "Bully-les-Mines", "Harnes", "Longuenesse",
            "Noeux-les-Mines", "Sallaumines", "Méricourt", "Courrières", "Oignies", "Auchel",
            "Aire-sur-la-Lys", "Arques", "Isbergues", "Wingles", "Étaples", "Le Portel",
            "Le Touquet-Paris-Plage", "Montreuil-sur-Mer", "Saint-Pol-sur-Ternoise", "Hesdin",
            "Wimereux", "Lillers", "Marquise", "Bapaume",
        ),
        (
            "Lille", "Amiens", "Dunkerque", "Paris", "Rouen", "Reims", "Bruxelles",
            "Valenciennes", "Douai", "Roubaix", "Saint-Quentin", "Beauvais", "Cambrai",
        ),
    ),
    "Nord": (
        (
            "Lille", "Roubaix", "Tourcoing", "Dunkerque", "Villeneuve-d'Ascq", "Valenciennes",
            "Douai", "Wattrelos", "Marcq-en-Barœul", "Cambrai", "Maubeuge", "Lambersart",
            "Armentières", "Hazebrouck", "Denain", "Grande-Synthe", "Croix", "Loos",
        ),
        (
            "Arras", "Lens", "Calais", "Amiens", "Paris", "Bruxelles", "Reims", "Rouen",
            "Mons", "Charleroi", "Saint-Quentin",
        ),
    ),
}  # fmt: skip

ADJECTIVES: tuple[str, ...] = (
    "douce", "souriante", "pétillante", "élégante", "discrète", "sympathique", "naturelle",
    "joyeuse", "raffinée", "attentionnée", "charmante", "dynamique", "câline", "pétulante",
    "chaleureuse", "timide", "espiègle", "gentille", "cultivée", "sportive",
)  # fmt: skip
ORIGINS: tuple[str, ...] = (
    "brésilienne", "espagnole", "italienne", "roumaine", "française", "antillaise",
    "colombienne", "portugaise", "polonaise", "vénézuélienne", "métisse", "belge",
)  # fmt: skip
# The label adcensus.profiles reports for each origin word ("" : a description, no origin).
ORIGIN_LABELS: dict[str, str] = {
    "brésilienne": "Brazil", "espagnole": "Spain", "italienne": "Italy", "roumaine": "Romania",
    "française": "France", "antillaise": "Antilles", "colombienne": "Colombia",
    "portugaise": "Portugal", "polonaise": "Poland", "vénézuélienne": "Venezuela",
    "métisse": "", "belge": "Belgium",
}  # fmt: skip
# How a person who is not presented as a woman says so: before the title and the sentence
# that presents her or him, one wording drawn per person.
PRESENTATION_WORDS: dict[str, tuple[str, ...]] = {
    "trans": ("TRANS", "Trans", "TS", "Travestie", "Trans ☆"),
    "man": ("Masseur", "Escort boy", "Jeune homme"),
    "couple": ("Couple", "Couple libertin", "Elle et lui"),
}
WHEN: tuple[str, ...] = (
    "ce week-end", "du lundi au samedi", "7j/7", "en journée", "en soirée", "de 10h à 22h",
    "tous les jours sauf dimanche", "cette semaine uniquement", "jusqu'à vendredi",
    "le matin et en fin de journée", "quelques jours seulement", "dès midi",
    "sur rendez-vous", "de 14h à minuit", "en semaine",
)  # fmt: skip
WHERE: tuple[str, ...] = (
    "en centre-ville", "près de la gare", "dans un quartier calme", "proche de l'autoroute",
    "à deux pas du centre", "près du port", "à côté de la grand-place", "en résidence",
)  # fmt: skip
DETAILS: tuple[str, ...] = (
    "brune aux yeux verts", "blonde aux cheveux longs", "rousse et naturelle",
    "châtain aux yeux noisette", "petite brune pétillante", "grande blonde élégante",
    "métisse au sourire doux", "brune aux cheveux courts", "blonde aux yeux bleus",
    "1m70, cheveux bouclés", "1m60, très souriante", "sportive et dynamique",
)  # fmt: skip

# Sentence templates by place in an ad; an ad takes at most one from each group.
INTRO: tuple[str, ...] = (
    "Nouvelle sur {city}", "{name}, {age} ans, de passage à {city}", "Bonjour, je suis {name}",
    "Coucou, moi c'est {name}", "Jeune femme {adj} de {age} ans", "Première fois à {city}",
    "De retour sur {city}", "Je m'appelle {name}, {adj} et {adj2}", "{name} vous attend à {city}",
    "Charmante {origin} de passage à {city}", "Bienvenue, ici {name}",
    "{name}, {origin} {adj} de {age} ans", "Enfin de retour à {city} pour quelques jours",
    "Salut, c'est {name}, {age} ans", "Nouvelle dans la région de {city}",
)  # fmt: skip
AVAILABILITY: tuple[str, ...] = (
    "Disponible {when}", "Je reçois {when}", "Présente {when} seulement",
    "Rendez-vous {when}, sur réservation", "Disponible {when} à {city}",
    "Joignable {when}", "Visible {when} uniquement",
)  # fmt: skip
PLACE: tuple[str, ...] = (
    "Appartement privé et discret {where}", "Je reçois dans un cadre calme et propre",
    "Déplacement possible à l'hôtel", "Parking facile à proximité",
    "Accueil dans un appartement cosy {where}", "Salon privé {where}",
    "Cadre agréable et climatisé", "Douche à disposition",
)  # fmt: skip
AMBIANCE: tuple[str, ...] = (
    "Moment de détente et de complicité", "Ambiance chaleureuse et détendue",
    "Discrétion assurée", "Hygiène irréprochable", "Pour messieurs courtois et respectueux",
    "Douceur et bonne humeur garanties", "Massage relaxant sur table",
    "Je suis {adj} et {adj2}", "Pas pressée, je prends le temps", "Respect exigé et offert",
    "Thé ou café offert", "Personnalité {adj}, sourire garanti",
)  # fmt: skip
CONTACT: tuple[str, ...] = (
    "Appelez-moi pour plus d'infos", "SMS uniquement", "Pas de numéro masqué",
    "Contact par téléphone seulement", "Réponse rapide par SMS",
    "Prévenir 30 min avant", "Merci de ne pas appeler en numéro masqué",
    "Pas de mails, appel ou SMS", "Merci de vous présenter poliment par SMS",
)  # fmt: skip
PRICE: tuple[str, ...] = (
    "Tarif : {price} € la demi-heure", "{price} € l'heure", "À partir de {price} €",
    "Petit prix cette semaine : {price} €", "{price} roses", "Tarifs doux : {price} €",
)  # fmt: skip
CLOSING: tuple[str, ...] = (
    "À très vite", "Bisous", "Au plaisir de vous rencontrer", "Je vous attends",
    "Merci de votre lecture", "À bientôt", "Bonne journée à tous", "Au plaisir",
)  # fmt: skip
SENTENCE_GROUPS: tuple[tuple[str, ...], ...] = (
    INTRO, AVAILABILITY, PLACE, AMBIANCE, CONTACT, PRICE, CLOSING,
)  # fmt: skip

# An agency writes one template for all its persons; each ad adds one person sentence.
AGENCY_INTRO: tuple[str, ...] = (
    "Nouvelles hôtesses à {city} cette semaine", "Agence sérieuse, plusieurs jeunes femmes",
    "Nouvelle équipe sur {city}", "Salon de massage à {city}, accueil chaleureux",
    "Nos hôtesses vous reçoivent à {city}", "Sélection du moment sur {city}",
)  # fmt: skip
AGENCY_PERSON: tuple[str, ...] = (
    "{name}, {age} ans, {detail}", "Cette semaine : {name}, {detail}",
    "Présentée : {name} ({age} ans), {detail}", "{name} {detail}, {age} ans",
)  # fmt: skip
AGENCY_BOOKING: tuple[str, ...] = (
    "Réservation par téléphone", "Un seul numéro pour toutes nos hôtesses",
    "Appelez le standard pour réserver", "Prise de rendez-vous 7j/7",
)  # fmt: skip

# Sentences a repost may gain.
EXTRAS: tuple[str, ...] = (
    "Dernier jour à {city}", "Nouvelles photos", "Photos 100 % réelles", "Places limitées",
    "Promo cette semaine", "Je parle français et anglais", "Pas sérieux s'abstenir",
    "Non fumeuse", "Je parle un peu français", "Accès facile en tram",
)  # fmt: skip
EMOJI: tuple[str, ...] = ("🌸", "✨", "💕", "☀️", "🌹", "😊", "💖", "🥂", "💐", "🌺")
TITLES: tuple[str, ...] = (
    "{name} nouvelle à {city}", "{name}, {age} ans", "Jolie {adj} sur {city}",
    "Première fois à {city}", "{name} – {city}", "Détente et douceur à {city}",
    "{name} disponible", "De passage à {city} !", "{name} {origin} à {city}",
    "Nouvelle {origin} {adj}", "Belle {adj}, {age} ans",
)  # fmt: skip
AGENCY_TITLES: tuple[str, ...] = (
    "Nouvelles hôtesses – {city}", "{name} et ses amies à {city}", "Agence {city} : {name}",
    "Salon {city} – {name}", "Hôtesses disponibles {city}",
)  # fmt: skip
SEPARATORS: tuple[str, ...] = (". ", " ! ", ", ", " – ", "... ", ". ", " ✨ ", ". ")
ENDINGS: tuple[str, ...] = (".", " !", "", " 😊", ".", "...", " !!")
PHONE_LEADS: tuple[str, ...] = (
    "Tél : ", "Appelez-moi au ", "Mon numéro : ", "Contact ", "☎ ", "Joignable au ",
    "Numéro : ", "Tel ",
)  # fmt: skip
NEW_NUMBER_NOTES: tuple[str, ...] = (
    "Nouveau numéro : {new} (ancien : {old})", "Attention changement de numéro {old} -> {new}",
    "Nouveau tel {new}, l'ancien {old} ne marche plus",
)  # fmt: skip

_UNITS = (
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix",
    "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf",
)  # fmt: skip
_TENS = ("", "", "vingt", "trente", "quarante", "cinquante", "soixante")


def french_number(n: int) -> str:
    """Spell 0–99 in French words ("quatre-vingt-dix-huit"); the pairs of a phone number."""
    if not 0 <= n <= 99:
        raise ValueError(f"expected 0–99, got {n}")
    if n < 20:
        return _UNITS[n]
    if n < 70:
        tens, unit = divmod(n, 10)
        if unit == 0:
            return _TENS[tens]
        return f"{_TENS[tens]}{' et ' if unit == 1 else '-'}{_UNITS[unit]}"
    if n < 80:
        return "soixante et onze" if n == 71 else f"soixante-{_UNITS[n - 60]}"
    if n == 80:
        return "quatre-vingts"
    return f"quatre-vingt-{_UNITS[n - 80]}"


def _pairs(digits: str) -> list[str]:
    return [digits[i : i + 2] for i in range(0, 10, 2)]


def format_phone(digits: str, style: int) -> str:
    """Write a 10-digit national number as ads do: spaced, dotted, +33, compact, dashed."""
    a, b, c, d, e = digits[0:2], digits[2:4], digits[4:6], digits[6:8], digits[8:10]
    if style == 0:
        return f"{a} {b} {c} {d} {e}"
    if style == 1:
        return f"{a}.{b}.{c}.{d}.{e}"
    if style == 2:
        return f"+33 {digits[1]} {b} {c} {d} {e}"
    if style == 3:
        return digits
    if style == 4:
        return f"{a}-{b}-{c}-{d}-{e}"
    return f"+33{digits[1:]}"


PHONE_STYLES = 6  # how many styles format_phone knows

_FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _pair_words(pair: str) -> str:
    return f"zéro {_UNITS[int(pair[1])]}" if pair[0] == "0" else french_number(int(pair))


def obfuscate_phone(digits: str, style: int) -> str:
    """Write a 10-digit number the way ads hide it from filters (O for 0, words, emoji…)."""
    p = _pairs(digits)
    if style == 0:
        return " ".join(p).replace("0", "O")
    if style == 1:
        return " ".join(digits)
    if style == 2:
        return "*".join(p)
    if style == 3:
        return ".".join(digits)
    if style == 4:
        return " ".join(_pair_words(x) for x in p)
    if style == 5:
        return " ".join(p).translate(_FULLWIDTH)
    if style == 6:
        return "".join(f"{d}\ufe0f\u20e3" for d in digits)
    # half digits, half words: "06 39 98 douze trente-quatre"
    return " ".join(p[:3] + [_pair_words(x) for x in p[3:]])


OBFUSCATION_STYLES = 8  # how many styles obfuscate_phone knows


def strip_accents(text: str) -> str:
    """Drop diacritics ("Léa" -> "Lea"), as people typing fast do."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def name_variant(name: str, variant: int) -> str:
    """One of the spellings a person uses for her pseudonym: 0 as is, then Lea, LEA, léa, LÉA."""
    if variant == 1:
        return strip_accents(name)
    if variant == 2:
        return strip_accents(name).upper()
    if variant == 3:
        return name.lower()
    if variant == 4:
        return name.upper()
    return name


NAME_VARIANTS = 5


def add_typo(text: str, r: int) -> str:
    """Add one typing slip at a position chosen by `r`: swapped, doubled or dropped letter."""
    n = len(text)
    if n < 4:
        return text
    i = 1 + (r >> 3) % (n - 3)
    if not (text[i].isalpha() and text[i + 1].isalpha()):
        return text
    kind = r % 3
    if kind == 0:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    if kind == 1:
        return text[: i + 1] + text[i] + text[i + 1 :]
    return text[:i] + text[i + 1 :]
