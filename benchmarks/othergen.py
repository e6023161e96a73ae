"""A census generator written apart from adcensus's own, to measure its linker from outside.

    from othergen import OtherSpec, generate_other  # with benchmarks/ on sys.path
    ads, truth = generate_other(OtherSpec(seed=3, decoration_rate=0.8))

adcensus's generator (adcensus/synth*.py) and its linker were written by the same
people, and the linker came to fit that generator's habits. This one was written
without reading either, the way another team would: persons first (a name from a
Zipf-like list of ~300 first names, an age, a home city, one to three phones, a
writing style of her own), then each person's ads as reposts of her own text with
edits, on sites and in cities that change as she tours. The knobs of `OtherSpec`
turn up what makes linking hard:

- `common_name_share`: persons named from a dozen very common names, so that
  strangers share pseudonyms (and, with `stranger_share`, a close age too);
- `agency_share`: persons posted by agencies, one booking phone for 2 to 6 persons
  and one template text whose name and age slots change;
- `decoration_rate`: ads whose pseudonym is dressed as advertisers do ("douce LÉA
  dispo", "Maya_62", "new Lisa 💋", "Tania_arras", case and accents changed);
- `age_drift`: years a stated age wanders between a person's ads, plus digit typos;
- `missing_rate`: share of empty cells in every column but the id.

Headers are those a French analyst would type ("ID", "Commune", "Tel", "Pseudo"...),
unlike the package's own. Every phone number is in a block that ARCEP reserves for
fiction (06 39 98 xx xx first), so none can ring anyone; names, cities and texts are
generic. The same spec gives the same census, row for row.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from adcensus.synth import fictional_blocks

# ---------------------------------------------------------------- the census's shape

COLUMNS: tuple[str, ...] = (
    "ID", "Site web", "URL", "Date", "Commune", "Tel", "Pseudo", "Age", "Titre", "Description",
)  # fmt: skip
# Every column but the id may be left empty (missing_rate).
BLANKABLE: tuple[str, ...] = COLUMNS[1:]
TRUTH_COLUMNS: tuple[str, ...] = ("ad_id", "person_id")


@dataclass(frozen=True)
class OtherSpec:
    """What census to draw: its size, seed and the share of each hard case.

    Shares are in [0, 1]; `age_drift` is in whole years (0 to 2). The defaults are a
    middling census of 699 ads by 273 persons, the size of the project's sample.
    """

    ads: int = 699
    persons: int = 273
    seed: int = 11
    common_name_share: float = 0.3
    agency_share: float = 0.15
    decoration_rate: float = 0.3
    age_drift: int = 1
    missing_rate: float = 0.08
    # Below: hard cases the sweep keeps at one level.
    age_typo_rate: float = 0.02
    touring_share: float = 0.25
    multi_phone_share: float = 0.10
    phone_in_text_share: float = 0.20
    stranger_share: float = 0.06
    edit_rate: float = 0.7
    start: date = field(default=date(2025, 3, 3))
    days: int = 90

    def __post_init__(self) -> None:
        if not 1 <= self.persons <= self.ads:
            raise ValueError(f"need 1 <= persons <= ads, got {self.persons} and {self.ads}")
        shares = {
            name: getattr(self, name)
            for name in (
                "common_name_share",
                "agency_share",
                "decoration_rate",
                "missing_rate",
                "age_typo_rate",
                "touring_share",
                "multi_phone_share",
                "phone_in_text_share",
                "stranger_share",
                "edit_rate",
            )
        }
        for name, value in shares.items():
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {value}")
        if not 0 <= self.age_drift <= 5:
            raise ValueError(f"age_drift must be 0 to 5 years, got {self.age_drift}")


# ---------------------------------------------------------------- vocabularies

# The very common names: in a real census a handful of pseudonyms carry a large share.
COMMON_NAMES: tuple[str, ...] = (
    "Léa", "Emma", "Jade", "Sarah", "Inès", "Chloé", "Camille", "Manon", "Lina", "Eva",
    "Nina", "Julia",
)  # fmt: skip
# ~300 first names, the most frequent first; drawn with Zipf-like weights 1/rank.
NAMES: tuple[str, ...] = (
    *COMMON_NAMES,
    "Laura", "Clara", "Alice", "Anna", "Lola", "Louna", "Zoé", "Maëlys", "Lucie", "Océane",
    "Marie", "Pauline", "Mélanie", "Jessica", "Vanessa", "Amandine", "Audrey", "Élodie",
    "Marion", "Justine", "Mathilde", "Margaux", "Charlotte", "Juliette", "Romane", "Lou",
    "Ambre", "Rose", "Louise", "Agathe", "Mila", "Lena", "Luna", "Maya", "Kim", "Lisa",
    "Cindy", "Tania", "Nadia", "Samira", "Yasmine", "Sofia", "Sonia", "Nora", "Leila",
    "Amira", "Kenza", "Naïma", "Myriam", "Salomé", "Elsa", "Alicia", "Alexia", "Aurélie",
    "Céline", "Sandrine", "Stéphanie", "Nathalie", "Sabrina", "Virginie", "Caroline",
    "Émilie", "Julie", "Sophie", "Claire", "Anaïs", "Estelle", "Fanny", "Gaëlle", "Hélène",
    "Isabelle", "Jennifer", "Karine", "Laetitia", "Magali", "Noémie", "Ophélie", "Priscilla",
    "Rachel", "Sylvie", "Tiffany", "Valérie", "Wendy", "Axelle", "Bérénice", "Capucine",
    "Daphné", "Éloïse", "Flora", "Giulia", "Héloïse", "Iris", "Jeanne", "Kelly", "Lilou",
    "Maeva", "Nell", "Olivia", "Paloma", "Roxane", "Solène", "Thaïs", "Victoria", "Alyssa",
    "Bianca", "Carla", "Diana", "Elena", "Fatima", "Gloria", "Hanna", "Ilona", "Jasmine",
    "Katia", "Ludmila", "Mia", "Natacha", "Olga", "Paula", "Rita", "Svetlana", "Tatiana",
    "Ursula", "Vera", "Xenia", "Yana", "Zara", "Adriana", "Beatriz", "Carmen", "Dolores",
    "Esmeralda", "Fernanda", "Gabriela", "Isabela", "Juliana", "Larissa", "Mariana",
    "Natalia", "Paola", "Raquel", "Sabine", "Talia", "Valentina", "Ximena", "Yolanda",
    "Amina", "Binta", "Coumba", "Djeneba", "Fatou", "Grace", "Hawa", "Joy", "Kadi", "Mariam",
    "Nafi", "Precious", "Rokia", "Safi", "Awa", "Aïcha", "Mei", "Lin", "Yuki", "Sakura",
    "Mai", "Lan", "Hoa", "Suki", "Aiko", "Jin", "Linh", "Thi", "Ana", "Ioana", "Andreea",
    "Bianka", "Daria", "Irina", "Kristina", "Lidia", "Marina", "Oksana", "Polina", "Sasha",
    "Tamara", "Vika", "Alina", "Dasha", "Katya", "Nastya", "Lera", "Milena", "Angela",
    "Brenda", "Chantal", "Deborah", "Eloise", "Fiona", "Ginger", "Holly", "Ivy", "Jenny",
    "Kayla", "Lily", "Megan", "Nikki", "Penny", "Ruby", "Stacy", "Trixie", "Vicky", "Whitney",
    "Amber", "Bella", "Candy", "Destiny", "Eden", "Faith", "Gina", "Heaven", "Jade-Rose",
    "Kiara", "Lexie", "Misty", "Naomi", "Paris", "Roxy", "Sandy", "Tessa", "Violet",
    "Angélique", "Brigitte", "Corinne", "Dominique", "Evelyne", "Florence", "Geneviève",
    "Josiane", "Lydie", "Monique", "Nadine", "Odile", "Patricia", "Régine", "Simone",
    "Yvette", "Cassandra", "Delphine", "Eugénie", "Gwendoline", "Jessy", "Laly", "Maélie",
    "Nolwenn", "Perrine", "Rebecca", "Séverine", "Typhaine", "Vanille", "Ysaline", "Cannelle",
    "Cerise", "Framboise", "Perle", "Saphir", "Ambrine", "Diamant", "Orchidée", "Séréna",
    "Alba", "Brune", "Célia", "Dalia", "Emy", "Fleur", "Gaïa", "Hind", "Ilyana", "Jana",
    "Kalia", "Lya", "Malak", "Nélia", "Ornella", "Pia", "Rania", "Sana", "Tina", "Wafa",
    "Yara", "Zélie", "Ashley", "Britney", "Crystal", "Dakota", "Emily", "Jordan", "Madison",
    "Sierra", "Tiffany-Rose", "Lola-Mae", "Marie-Lou",
)  # fmt: skip

# (city, département, region): weighted by rank, the big cities carry most ads.
CITIES: tuple[tuple[str, str, str], ...] = (
    ("Paris", "75", "Île-de-France"), ("Marseille", "13", "Provence"),
    ("Lyon", "69", "Rhône-Alpes"), ("Toulouse", "31", "Occitanie"),
    ("Nice", "06", "Provence"), ("Nantes", "44", "Ouest"), ("Strasbourg", "67", "Est"),
    ("Montpellier", "34", "Occitanie"), ("Bordeaux", "33", "Sud-Ouest"),
    ("Lille", "59", "Nord"), ("Rennes", "35", "Ouest"), ("Reims", "51", "Est"),
    ("Toulon", "83", "Provence"), ("Grenoble", "38", "Rhône-Alpes"),
    ("Dijon", "21", "Est"), ("Angers", "49", "Ouest"), ("Nîmes", "30", "Occitanie"),
    ("Saint-Étienne", "42", "Rhône-Alpes"), ("Le Havre", "76", "Normandie"),
    ("Rouen", "76", "Normandie"), ("Amiens", "80", "Nord"), ("Arras", "62", "Nord"),
    ("Lens", "62", "Nord"), ("Valenciennes", "59", "Nord"), ("Dunkerque", "59", "Nord"),
    ("Metz", "57", "Est"), ("Nancy", "54", "Est"), ("Tours", "37", "Centre"),
    ("Orléans", "45", "Centre"), ("Limoges", "87", "Centre"), ("Caen", "14", "Normandie"),
    ("Perpignan", "66", "Occitanie"), ("Pau", "64", "Sud-Ouest"),
    ("Bayonne", "64", "Sud-Ouest"), ("Avignon", "84", "Provence"),
    ("Cannes", "06", "Provence"), ("Annecy", "74", "Rhône-Alpes"),
    ("Clermont-Ferrand", "63", "Centre"), ("Brest", "29", "Ouest"),
    ("Argenteuil", "95", "Île-de-France"), ("Versailles", "78", "Île-de-France"),
    ("Créteil", "94", "Île-de-France"),
)  # fmt: skip

# (domain, the tag advertisers add to a pseudonym for it). Fictional domains.
SITES: tuple[tuple[str, str], ...] = (
    ("annonces-rose.example", "AR"), ("nuitdouce.example", "ND"),
    ("escort-liste.example", "EL"), ("massages-prives.example", "MP"),
    ("rencontres-locales.example", "RL"), ("petites-coquines.example", "PC"),
)  # fmt: skip

NAME_PREFIXES: tuple[str, ...] = (
    "douce", "sublime", "belle", "new", "nouvelle", "sexy", "jolie", "petite", "coquine",
    "vraie", "hot", "sweet", "charmante", "miss", "la belle", "exquise",
)  # fmt: skip
NAME_SUFFIXES: tuple[str, ...] = (
    "dispo", "VIP", "new", "nouvelle", "réelle", "100% réelle", "real", "massage", "top",
    "de passage", "only", "sur RDV", "24h/24", "escort", "GFE", "dispo 7/7", "photos réelles",
    "1ère fois", "la vraie",
)  # fmt: skip
EMOJIS: tuple[str, ...] = ("💋", "❤️", "🔥", "🌹", "✨", "😘", "💕", "🍒", "👠", "💎")
DECORATIONS = (
    "prefix", "suffix", "prefix+suffix", "emoji", "city tag", "dept tag", "site tag", "case",
    "no accents", "stretch",
)  # fmt: skip

HAIR: tuple[str, ...] = ("brune", "blonde", "rousse", "châtain", "métisse", "black")
ORIGINS: tuple[str, ...] = (
    "française", "italienne", "espagnole", "brésilienne", "colombienne", "roumaine",
    "russe", "ukrainienne", "africaine", "antillaise", "asiatique", "marocaine",
)  # fmt: skip

# Sentence banks; {name} {age} {city} {hair} {origin} are a person's own values.
OPENERS: tuple[str, ...] = (
    "Jolie {hair} de passage à {city}.",
    "Nouvelle dans la région, je suis {name}, {age} ans.",
    "Bonjour messieurs, moi c'est {name}.",
    "Coucou, je m'appelle {name}, jeune femme {origin} de {age} ans.",
    "{name}, {hair} {origin}, de passage sur {city} pour quelques jours.",
    "Salut à tous, {name} {age} ans, vraie {hair} aux yeux clairs.",
    "Je suis {name}, une belle {origin} pleine de charme.",
    "Hello, I'm {name}, {age} years old, visiting {city}.",
    "Première fois à {city} !",
    "Bienvenue, ici {name}, {hair} naturelle et souriante.",
    "Bonsoir, {name} vous attend à {city}.",
    "Jeune femme {origin} de {age} ans, nouvelle sur {city}.",
    "Coucou les hommes, {name} est de retour à {city}.",
    "Sublime {hair} {origin}, {age} ans, vous reçoit à {city}.",
)  # fmt: skip
BODY: tuple[str, ...] = (
    "Je propose des massages relaxants dans une ambiance zen.",
    "Moment de détente garanti dans la bonne humeur.",
    "Je suis douce, câline et très souriante.",
    "Hygiène irréprochable exigée et offerte.",
    "Je reçois dans un appartement discret et climatisé.",
    "Je me déplace aussi à l'hôtel.",
    "Photos 100% réelles, pas de mauvaise surprise.",
    "Pas de SMS, appel uniquement.",
    "Appels masqués refusés.",
    "Je parle français et anglais.",
    "Parking facile à proximité.",
    "Rendez-vous pris 30 minutes avant.",
    "Je recherche des hommes respectueux et courtois.",
    "Ambiance chaleureuse, musique douce et bougies.",
    "Je suis une vraie gourmande de la vie.",
    "Silhouette fine, peau douce et parfumée.",
    "Formes généreuses et sourire ravageur.",
    "Votre plaisir sera le mien.",
    "Discrétion assurée.",
    "Pour un moment inoubliable, n'hésitez pas.",
    "Massage body body et relaxation profonde.",
    "Je suis là pour quelques jours seulement.",
    "Cadre propre et sécurisé, douche à disposition.",
    "Je n'aime pas les gens pressés.",
    "Tenues sexy sur demande.",
    "Gentlemen only, no rush.",
    "Real photos, available for outcall.",
    "Ouverte d'esprit mais avec mes limites.",
    "Je vous attends avec impatience.",
    "Pas de négociation, merci.",
    "Première rencontre toujours dans la bonne humeur.",
    "Je suis étudiante et discrète.",
    "Douceur et complicité au rendez-vous.",
    "Je reçois en lingerie fine.",
    "Jacuzzi disponible dans mon appartement.",
    "Le respect avant tout.",
    "Possibilité de dîner avant le rendez-vous.",
    "Prise de rendez-vous la veille conseillée.",
)  # fmt: skip
AVAILABILITY: tuple[str, ...] = (
    "Disponible 7j/7.",
    "Disponible de 10h à 22h.",
    "Dispo 24h/24.",
    "Disponible en journée uniquement.",
    "Disponible du lundi au samedi.",
    "Disponible tard le soir.",
    "Available every day from noon.",
    "Dispo en semaine de 11h à minuit.",
)  # fmt: skip
CONTACT: tuple[str, ...] = (
    "Appelle-moi au {phone}.",
    "Contact : {phone}",
    "Tel {phone} 😘",
    "Pour me joindre : {phone} (pas de sms)",
    "Call me {phone}",
    "Mon numéro : {phone}",
)  # fmt: skip
# Personal sentences: grammar of a few slots, so that each person writes a line of her own.
PERSONAL: tuple[str, ...] = (
    "J'adore {hobby} et {hobby2}.",
    "Fan de {hobby}, je suis aussi passionnée par {hobby2}.",
    "Dans la vie je suis {job}, le soir je me détends.",
    "Ancienne {job}, j'ai gardé le goût de {hobby}.",
    "Originaire de {place}, j'aime {hobby}.",
    "Mon péché mignon : {treat}.",
    "Si tu m'apportes {treat}, tu auras mon plus beau sourire.",
    "Je rêve de {place} et de {hobby}.",
)  # fmt: skip
HOBBIES: tuple[str, ...] = (
    "la danse", "le yoga", "la cuisine italienne", "les voyages", "la musique", "le cinéma",
    "la plage", "la mode", "le shopping", "les longues balades", "la lecture", "le jazz",
    "la photographie", "le fitness", "les jeux vidéo", "le karaoké", "l'équitation",
)  # fmt: skip
JOBS: tuple[str, ...] = (
    "coiffeuse", "infirmière", "étudiante en droit", "danseuse", "serveuse", "vendeuse",
    "esthéticienne", "hôtesse de l'air", "mannequin photo", "secrétaire",
)  # fmt: skip
PLACES: tuple[str, ...] = (
    "Rio", "Bucarest", "Kiev", "Dakar", "Abidjan", "Fort-de-France", "Naples", "Séville",
    "Casablanca", "Bangkok", "Bahia", "Bretagne", "Corse", "Guadeloupe", "Tahiti",
)  # fmt: skip
TREATS: tuple[str, ...] = (
    "le chocolat noir", "les macarons", "le champagne rosé", "les fraises", "les sushis",
    "les roses rouges", "le café glacé", "les crêpes",
)  # fmt: skip
TITLES: tuple[str, ...] = (
    "{name} {age} ans",
    "{name}, nouvelle à {city}",
    "Jolie {hair} de passage à {city}",
    "{name} – massage détente",
    "Nouvelle sur {city} 💋",
    "{name} {hair} {origin}",
    "Sublime {name} à {city}",
    "{name} {age}a {city}",
    "Douce {name} vous reçoit",
    "{name} dispo {city}",
)  # fmt: skip
AGENCY_BRANDS: tuple[str, ...] = (
    "Élite", "Velours", "Prestige", "Paradis", "Cocoon", "Bel Ami", "Diamant", "Lune Rouge",
    "Satin", "Orchidée", "Charme", "Éden",
)  # fmt: skip
# An agency's template: one intro, two to four of its house lines, one booking line. Each
# agency draws its own, so two agencies rarely write the same text.
AGENCY_INTROS: tuple[str, ...] = (
    "Agence {brand} présente {name}, {age} ans, {hair} {origin}.",
    "NOUVEAU chez {brand} : {name} ({age} ans), {origin}, {hair}.",
    "{brand} escort {city} : découvrez {name}, {age} ans, magnifique {hair}.",
    "Salon {brand} à {city}. Cette semaine : {name}, {age} ans, {origin}.",
    "{name} {age} ans vous attend au salon {brand}, {city} centre.",
    "L'équipe {brand} vous présente {name}, {hair} de {age} ans.",
    "{brand} {city} – {name}, {age} ans, {origin}, est arrivée !",
)  # fmt: skip
AGENCY_LINES: tuple[str, ...] = (
    "Elle vous reçoit dans un cadre discret et luxueux.",
    "Disponible 7j/7 de 10h à 2h.",
    "Photos 100% réelles et vérifiées par nos soins.",
    "Rendez-vous à l'institut ou à votre hôtel.",
    "Nos hôtesses sont sélectionnées pour leur élégance.",
    "Service haut de gamme, discrétion totale.",
    "Massages relaxants par des hôtesses diplômées.",
    "Ambiance feutrée, parking privé.",
    "Nouvelles filles chaque semaine !",
    "Douche et serviettes fournies.",
    "Paiement en espèces uniquement.",
    "Accueil en anglais, espagnol et italien.",
    "Tarifs sur demande au téléphone.",
    "Climatisation et musique d'ambiance.",
    "Possibilité de déplacement en soirée.",
    "Cadre sécurisé en plein centre-ville.",
    "Hôtesses majeures et volontaires.",
    "Réponse rapide par notre secrétariat.",
    "Consultez nos autres annonces pour voir toute l'équipe.",
    "Sérieux et respect exigés.",
)  # fmt: skip
AGENCY_BOOKINGS: tuple[str, ...] = (
    "Réservation au standard uniquement : {phone}.",
    "Appelez le {phone}.",
    "Appelez notre standard au {phone}, réponse rapide.",
    "Sur rendez-vous au {phone}, 7j/7.",
    "Réservations : {phone}.",
)  # fmt: skip
AGENCY_TITLES: tuple[str, ...] = (
    "{brand} – {name} {age} ans",
    "{name} chez {brand} {city}",
    "Nouvelle hôtesse {name} ({brand})",
)  # fmt: skip
# Words advertisers swap for one another between reposts.
SYNONYMS: dict[str, str] = {
    "jolie": "belle",
    "belle": "jolie",
    "disponible": "dispo",
    "dispo": "disponible",
    "douce": "tendre",
    "appartement": "appart",
    "rendez-vous": "rdv",
    "moment": "instant",
    "discret": "calme",
    "souriante": "joyeuse",
    "messieurs": "messieurs 😉",
    "garanti": "assuré",
    "hommes": "messieurs",
    "uniquement": "seulement",
}
PHONE_FORMATS: tuple[str, ...] = (
    "{a}{b} {c} {d} {e} {f}",  # 06 39 98 12 34
    "{a}{b}.{c}.{d}.{e}.{f}",  # 06.39.98.12.34
    "+33 {b} {c} {d} {e} {f}",  # +33 6 39 98 12 34
    "{a}{b}{c}{d}{e}{f}",  # 0639981234
    "{a}{b}-{c}-{d}-{e}-{f}",
    "+33{b}{c}{d}{e}{f}",
    "0033 {b} {c} {d} {e} {f}",
    "{a}{b} {c}{d} {e}{f}",
    "(+33) {a}{b} {c} {d} {e} {f}",
)  # fmt: skip
# Weights of the formats above: the plain spaced form dominates, as in real ads.
PHONE_FORMAT_WEIGHTS: tuple[float, ...] = (40, 15, 10, 15, 5, 4, 3, 5, 3)
# Numbers at the end of the mobile fiction block kept for agencies' booking lines.
AGENCY_NUMBERS = 1_000

# ---------------------------------------------------------------- persons


@dataclass
class Person:
    """One person behind ads: what stays the same across her ads, and her writing habits."""

    person_id: str
    name: str
    age: int
    hair: str
    origin: str
    cities: list[tuple[str, str, str]]
    phones: list[str]
    sites: list[tuple[str, str]]
    opener: str
    body: list[str]
    personal: list[str]
    availability: str
    contact: str
    title: str
    signature: list[str]
    ads: int = 1
    agency: Agency | None = None
    agency_own_phone_rate: float = 0.0
    # Whether she takes another's name and age, the number of that other, the age offset.
    stranger: tuple[bool, int, int] = (False, 0, 0)


@dataclass
class Agency:
    """An agency: one booking phone and one template for the 2 to 6 persons it posts."""

    brand: str
    phone: str
    template: str
    title: str
    city: tuple[str, str, str]


def zipf_weights(n: int, exponent: float = 1.0) -> list[float]:
    """Weights 1 / rank**exponent for ranks 1..n."""
    return [1.0 / (rank**exponent) for rank in range(1, n + 1)]


def agency_template(rng: random.Random) -> str:
    """An agency's own template, with slots for the person's name, age, city and phone."""
    lines = rng.sample(AGENCY_LINES, rng.randint(2, 4))
    return " ".join([rng.choice(AGENCY_INTROS), *lines, rng.choice(AGENCY_BOOKINGS)])


def stream(rng: random.Random) -> random.Random:
    """A generator of its own, seeded from `rng` by one draw.

    Each concern (a person's name, her age, an ad's pseudonym, its empty cells...) draws
    from a stream of its own, so that turning one knob changes what that knob governs and
    leaves every other draw as it was: the cells of the sweep differ by the knob, not by
    a reshuffled census.
    """
    return random.Random(rng.getrandbits(64))


def fiction_numbers(rng: random.Random) -> list[str]:
    """All numbers of the fiction blocks as national 10-digit strings, each block shuffled.

    The mobile block 06 39 98 comes first.
    """
    numbers: list[str] = []
    for block in fictional_blocks():
        suffixes = list(range(10_000))
        rng.shuffle(suffixes)
        numbers.extend(f"{block}{suffix:04d}" for suffix in suffixes)
    return numbers


def draw_age(rng: random.Random) -> int:
    """A stated age, 18 to 49, most in the twenties."""
    return min(49, 18 + int(rng.gammavariate(2.2, 3.8)))


def draw_city(rng: random.Random, region: str | None = None) -> tuple[str, str, str]:
    """A city weighted by rank (big cities first); within `region` when given."""
    pool = [c for c in CITIES if region is None or c[2] == region] or list(CITIES)
    return rng.choices(pool, weights=zipf_weights(len(pool), 0.8))[0]


def draw_name(rng: random.Random, common_name_share: float) -> str:
    """A pseudonym: one of the very common names (with that share), else one from the list."""
    common = rng.random() < common_name_share
    very_common = rng.choices(COMMON_NAMES, weights=zipf_weights(len(COMMON_NAMES), 0.5))[0]
    listed = rng.choices(NAMES, weights=zipf_weights(len(NAMES), 0.75))[0]
    return very_common if common else listed


def draw_itinerary(rng: random.Random, touring: bool) -> list[tuple[str, str, str]]:
    """Home city first; a touring person then visits 1 to 4 more, mostly in her region."""
    home = draw_city(rng)
    cities = [home]
    if touring:
        for _ in range(rng.randint(1, 4)):
            region = home[2] if rng.random() < 0.6 else None
            stop = draw_city(rng, region)
            if stop not in cities:
                cities.append(stop)
    return cities


def personal_sentence(rng: random.Random) -> str:
    """A sentence of the person's own, from a small grammar."""
    hobby, hobby2 = rng.sample(HOBBIES, 2)
    return rng.choice(PERSONAL).format(
        hobby=hobby,
        hobby2=hobby2,
        job=rng.choice(JOBS),
        place=rng.choice(PLACES),
        treat=rng.choice(TREATS),
    )


def ads_per_person(spec: OtherSpec, rng: random.Random) -> list[int]:
    """Each person's number of ads: at least one, the rest spread by a heavy-tailed activity."""
    activity = [min(rng.paretovariate(1.2), 60.0) for _ in range(spec.persons)]
    counts = [1] * spec.persons
    for index in rng.choices(range(spec.persons), weights=activity, k=spec.ads - spec.persons):
        counts[index] += 1
    return counts


def make_agencies(members: int, numbers: list[str], rng: random.Random) -> list[tuple[Agency, int]]:
    """Agencies of 2 to 6 persons for `members` persons, each with a number from `numbers`."""
    agencies: list[tuple[Agency, int]] = []
    left = members
    while left > 0:
        size = min(rng.randint(2, 6), left)
        if left - size == 1:
            size += 1
        agency = Agency(
            brand=rng.choice(AGENCY_BRANDS),
            phone=numbers[len(agencies)],
            template=agency_template(rng),
            title=rng.choice(AGENCY_TITLES),
            city=draw_city(rng),
        )
        agencies.append((agency, size))
        left -= size
    return agencies


def make_persons(spec: OtherSpec) -> list[Person]:
    """The census's persons, agencies among them, strangers that mirror another's name and age.

    Persons take numbers from the front of the fiction blocks; agencies take theirs from
    the end of the mobile block (AGENCY_NUMBERS of them kept apart).
    """
    census = random.Random(f"{spec.seed}/census")
    counts = ads_per_person(spec, stream(census))
    numbers = fiction_numbers(stream(census))
    agency_numbers = numbers[10_000 - AGENCY_NUMBERS : 10_000][::-1]
    person_numbers = iter(numbers[: 10_000 - AGENCY_NUMBERS] + numbers[10_000:])
    agency_draws = stream(census)

    persons: list[Person] = []
    in_agency: list[bool] = []
    for number in range(spec.persons):
        own = random.Random(f"{spec.seed}/person/{number}")
        names, ages, places, phones, style, roles = (stream(own) for _ in range(6))
        in_agency.append(roles.random() < spec.agency_share)
        own_phones = [next(person_numbers)]
        extra = phones.randint(1, 2) if phones.random() < spec.multi_phone_share else 0
        own_phones += [next(person_numbers) for _ in range(extra)]
        persons.append(
            Person(
                person_id=f"T{number + 1:05d}",
                name=draw_name(names, spec.common_name_share),
                age=draw_age(ages),
                hair=style.choice(HAIR),
                origin=style.choice(ORIGINS),
                cities=draw_itinerary(places, places.random() < spec.touring_share),
                phones=own_phones,
                sites=style.sample(SITES, style.choice((1, 1, 2, 2, 3))),
                opener=style.choice(OPENERS),
                body=style.sample(BODY, style.randint(2, 5)),
                personal=[personal_sentence(style) for _ in range(style.randint(0, 2))],
                availability=style.choice(AVAILABILITY),
                contact=style.choice(CONTACT),
                title=style.choice(TITLES),
                signature=style.sample(DECORATIONS, 2),
                ads=counts[number],
                agency_own_phone_rate=0.3 if roles.random() < 0.2 else 0.0,
                stranger=(
                    roles.random() < spec.stranger_share,
                    roles.randrange(spec.persons),
                    roles.randint(-1, 1),
                ),
            )
        )

    members = [person for person, member in zip(persons, in_agency, strict=True) if member]
    agencies = make_agencies(len(members), agency_numbers, agency_draws)
    if len(agencies) > AGENCY_NUMBERS:
        raise ValueError(f"{len(agencies)} agencies; the fiction blocks keep {AGENCY_NUMBERS}")
    slots = [agency for agency, size in agencies for _ in range(size)]
    for person, agency in zip(members, slots, strict=True):
        person.agency = agency
        touring = person.cities[1:] if len(person.cities) > 1 else []
        person.cities = [agency.city, *[c for c in touring if c != agency.city]]

    # Strangers: a person given the name and about the age of another, in another city.
    for person in persons:
        is_stranger, model_number, offset = person.stranger
        model = persons[model_number]
        if not is_stranger or model is person:
            continue
        person.name = model.name
        person.age = max(18, model.age + offset)
        if person.cities[0] == model.cities[0]:
            person.cities[0] = CITIES[(CITIES.index(model.cities[0]) + 1) % len(CITIES)]
    return persons


# ---------------------------------------------------------------- one ad's cells


def strip_accents(text: str) -> str:
    """Text without combining accents: "Léa" → "Lea"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def slug(text: str) -> str:
    """Lowercase ASCII words joined by dashes: "Saint-Étienne" → "saint-etienne"."""
    return "-".join(re.findall(r"[a-z0-9]+", strip_accents(text).lower()))


def decorate(
    name: str, kind: str, city: tuple[str, str, str], site_tag: str, rng: random.Random
) -> str:
    """The pseudonym dressed in one way advertisers dress theirs."""
    if kind == "prefix":
        return f"{rng.choice(NAME_PREFIXES)} {name}"
    if kind == "suffix":
        return f"{name} {rng.choice(NAME_SUFFIXES)}"
    if kind == "prefix+suffix":
        return f"{rng.choice(NAME_PREFIXES)} {name.upper()} {rng.choice(NAME_SUFFIXES)}"
    if kind == "emoji":
        emoji = rng.choice(EMOJIS)
        return rng.choice((f"{name} {emoji}", f"{emoji}{name}{emoji}", f"{emoji} {name}"))
    if kind == "city tag":
        return rng.choice(
            (f"{name}_{slug(city[0])}", f"{name} {city[0]}", f"{name}-{slug(city[0])}")
        )
    if kind == "dept tag":
        return rng.choice((f"{name}_{city[1]}", f"{name}{city[1]}", f"{name} ({city[1]})"))
    if kind == "site tag":
        return f"{name}_{site_tag}"
    if kind == "case":
        return rng.choice((name.upper(), name.lower()))
    if kind == "no accents":
        return strip_accents(name) if strip_accents(name) != name else name.lower()
    # "stretch": the last letter repeated, as in "Lisaaa".
    return name + name[-1] * rng.randint(1, 3)


def pseudonym(
    person: Person, city: tuple[str, str, str], site_tag: str, spec: OtherSpec, rng: random.Random
) -> str:
    """The ad's pseudonym: her name, decorated with probability `decoration_rate`.

    A person mostly reuses her two signature decorations and sometimes tries another.
    Draws as much from `rng` whether the name is decorated or not.
    """
    decorated = rng.random() < spec.decoration_rate
    kind = rng.choice(person.signature) if rng.random() < 0.7 else rng.choice(DECORATIONS)
    dressing = stream(rng)
    return decorate(person.name, kind, city, site_tag, dressing) if decorated else person.name


def stated_age(person: Person, spec: OtherSpec, rng: random.Random) -> int:
    """The ad's age: her age plus up to `age_drift` years, now and then with digits swapped.

    Draws as much from `rng` whatever the drift and typo rate.
    """
    age = person.age + int(rng.random() * (spec.age_drift + 1))
    if rng.random() < spec.age_typo_rate:
        swapped = int(str(age)[::-1])
        age = swapped if 18 <= swapped <= 65 and swapped != age else age + 10
    return age


def format_phone(national: str, rng: random.Random) -> str:
    """A national number written in one of the ways advertisers write it."""
    pairs = [national[i : i + 2] for i in range(0, 10, 2)]
    fmt = rng.choices(PHONE_FORMATS, weights=PHONE_FORMAT_WEIGHTS)[0]
    return fmt.format(a=national[0], b=pairs[0][1], c=pairs[1], d=pairs[2], e=pairs[3], f=pairs[4])


def typo(word: str, rng: random.Random) -> str:
    """A word with one slip of the keyboard: two letters swapped, one dropped or doubled."""
    if len(word) < 4 or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 1)
    slip = rng.choice(("swap", "drop", "double"))
    if slip == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if slip == "drop":
        return word[:i] + word[i + 1 :]
    return word[:i] + word[i] + word[i:]


def edit_sentences(sentences: list[str], rng: random.Random) -> list[str]:
    """A repost's sentences: 1 to 3 edits (reorder, drop, add, swap a word, typo)."""
    sentences = list(sentences)
    for _ in range(rng.randint(1, 3)):
        edit = rng.choice(("reorder", "drop", "add", "synonym", "typo", "typo"))
        if edit == "reorder" and len(sentences) > 2:
            middle = sentences[1:-1]
            rng.shuffle(middle)
            sentences = [sentences[0], *middle, sentences[-1]]
        elif edit == "drop" and len(sentences) > 3:
            sentences.pop(rng.randrange(1, len(sentences) - 1))
        elif edit == "add":
            sentences.insert(rng.randrange(1, len(sentences) + 1), rng.choice(BODY))
        elif sentences:
            at = rng.randrange(len(sentences))
            words = sentences[at].split(" ")
            w = rng.randrange(len(words))
            if edit == "synonym":
                bare = words[w].lower().strip(".,!:")
                if bare in SYNONYMS:
                    words[w] = words[w].lower().replace(bare, SYNONYMS[bare])
            else:
                words[w] = typo(words[w], rng)
            sentences[at] = " ".join(words)
    return sentences


def ad_text(
    person: Person,
    values: dict[str, str | int],
    phone_text: str | None,
    spec: OtherSpec,
    rng: random.Random,
) -> tuple[str, str]:
    """The ad's title and description; the phone goes inside when `phone_text` is given."""
    if person.agency is not None:
        agency = person.agency
        slots = dict(values, brand=agency.brand, phone=phone_text or "notre standard")
        text = agency.template.format(**slots)
        sentences = re.split(r"(?<=[.!]) ", text)
        if rng.random() < spec.edit_rate / 2:
            sentences = edit_sentences(sentences, rng)
        return agency.title.format(**slots), " ".join(sentences)
    sentences = [person.opener, *person.body, *person.personal, person.availability]
    sentences = [s.format(**values) for s in sentences]
    if rng.random() < spec.edit_rate:
        sentences = edit_sentences(sentences, rng)
    if phone_text is not None:
        sentences.append(person.contact.format(phone=phone_text))
    return person.title.format(**values), " ".join(sentences)


def city_cell(city: tuple[str, str, str], rng: random.Random) -> str:
    """The city as typed on the site: "Lille", "LILLE", "Lille (59)", "lille"."""
    return rng.choices(
        (
            city[0],
            city[0].upper(),
            f"{city[0]} ({city[1]})",
            city[0].lower(),
            f"{city[0]} {city[1]}",
        ),
        weights=(70, 8, 12, 6, 4),
    )[0]


def person_ads(person: Person, spec: OtherSpec) -> list[dict[str, str]]:
    """All of one person's ads, in date order; "_person" is the truth, "_order" the sort key.

    Each ad draws from its own streams (place, phone, age, text, pseudonym, cells), and
    each of these draws as much whatever the knobs, so that one knob changes only its part.
    """
    own = random.Random(f"{spec.seed}/ads/{person.person_id}")
    dates, tour = stream(own), stream(own)
    first = dates.randrange(spec.days)
    span = min(spec.days - first, 1 + int(dates.expovariate(1 / 25)))
    days = sorted(first + dates.randrange(max(span, 1)) for _ in range(person.ads))
    # A tour: the ads are split into consecutive legs, one city each.
    legs = sorted(tour.randrange(len(person.cities)) for _ in range(person.ads))
    rows = []
    for k, day in enumerate(days):
        ad = stream(own)
        place, phone, ages, text, name, cells, blanks = (stream(ad) for _ in range(7))
        city = person.cities[legs[k]]
        site, site_tag = place.choice(person.sites)

        own_line = phone.random() < person.agency_own_phone_rate
        # Several phones: used one after another, with some overlap; now and then two at once.
        at = min(
            len(person.phones) - 1, int(k / person.ads * len(person.phones) + phone.random() * 0.6)
        )
        both = phone.random() < 0.1
        in_text_only = phone.random() < spec.phone_in_text_share
        repeat_in_text = in_text_only or phone.random() < 0.25 or person.agency is not None
        formats = stream(phone)
        if person.agency is not None and not own_line:
            numbers = [person.agency.phone]
        elif len(person.phones) > 1 and both:
            numbers = person.phones[:2]
        else:
            numbers = [person.phones[at]]
        written = " / ".join(format_phone(n, formats) for n in numbers)
        phone_in_text = format_phone(numbers[0], formats) if repeat_in_text else None

        age = stated_age(person, spec, ages)
        values: dict[str, str | int] = {
            "name": person.name,
            "age": age,
            "city": city[0],
            "hair": person.hair,
            "origin": person.origin,
        }
        title, description = ad_text(person, values, phone_in_text, spec, text)
        when = spec.start + timedelta(days=day)
        listing = cells.randrange(10**6, 10**7)
        row = {
            "Site web": site,
            "URL": f"https://{site}/annonce/{listing}-{slug(person.name)}-{slug(city[0])}",
            "Date": when.strftime("%d/%m/%Y"),
            "Commune": city_cell(city, cells),
            "Tel": "" if in_text_only else written,
            "Pseudo": pseudonym(person, city, site_tag, spec, name),
            "Age": f"{age} ans" if cells.random() < 0.2 else str(age),
            "Titre": title,
            "Description": description,
        }
        for column in BLANKABLE:
            if blanks.random() < spec.missing_rate:
                row[column] = ""
        # Same-day ads in a seeded order, as a scrape by date would list them.
        row["_order"] = f"{day:04d}/{cells.random():.17f}"
        row["_person"] = person.person_id
        rows.append(row)
    return rows


# ---------------------------------------------------------------- the census


def generate_other(spec: OtherSpec) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Draw a census: (ads with COLUMNS, truth with ad_id and person_id), one row per ad.

    Ads are in date order and numbered 1..N in that order ("ID", as text); the truth's
    ad_id is that number. The same spec always gives the same two tables.
    """
    rows = [row for person in make_persons(spec) for row in person_ads(person, spec)]
    rows.sort(key=lambda row: row["_order"])
    ads = pd.DataFrame(rows)
    ads.insert(0, "ID", [str(i) for i in range(1, len(ads) + 1)])
    truth = pd.DataFrame({"ad_id": ads["ID"], "person_id": ads["_person"]})
    return ads[list(COLUMNS)], truth
