"""The method in plain words, in French and English, with the settings of the run."""

from __future__ import annotations

from typing import Any

from adcensus.report.i18n import plural

# (setting, French label, English label): the settings a reader can understand.
KEY_SETTINGS: tuple[tuple[str, str, str], ...] = (
    ("region", "Pays des numéros sans indicatif", "Country of numbers without +CC"),
    ("link_threshold", "Seuil de liaison (probabilité de 0 à 1)", "Link threshold (probability 0 to 1)"),
    ("doubtful_margin", "Marge des liens douteux", "Margin of doubtful links"),
    ("max_phones", "Numéros au plus par personne", "Most phone numbers per person"),
    ("boilerplate_min_ads", "Téléphones au-delà desquels une phrase est du texte type", "Phones past which a sentence is boilerplate"),
    ("block_window", "Voisins comparés dans les grands groupes", "Neighbours compared in big groups"),
)  # fmt: skip

_FR = """
<p><strong>Ce qui est compté.</strong> Chaque ligne du fichier est une annonce. adcensus y
cherche les numéros de téléphone, dans la colonne prévue comme dans le titre et le texte,
même déguisés (« O6 », chiffres en lettres, émojis), et les écrit au format international.</p>
<p><strong>Comment les annonces sont reliées.</strong> Deux annonces sont comparées quand elles
partagent quelque chose : un téléphone, un pseudonyme, un morceau de texte, une photo.
Chaque indice pèse pour ou contre : même téléphone, même pseudonyme, âges proches, textes
presque identiques, même photo pèsent pour ; numéros différents, pseudonymes différents,
âges éloignés, textes différents pèsent contre. Le poids de chaque indice est appris de ce
recensement même (modèle de Fellegi et Sunter, algorithme EM) : ce que vaut un pseudonyme
partagé dépend de sa fréquence, un prénom rare pèse plus qu'un prénom courant. Les mots qui
décorent les pseudonymes (« dispo », « VIP », une ville) sont appris eux aussi : « douce LÉA
dispo » et « Léa » sont un seul pseudonyme. Les phrases que l'on retrouve sous beaucoup de
téléphones (mentions d'un site, formules toutes faites) ne comptent pas. Les indices donnent
la probabilité que deux annonces soient d'une même personne ; les paires dont la probabilité
atteint <strong>{threshold}</strong> sont reliées. Un lien est refusé s'il réunissait dans une
même personne deux pseudonymes qu'aucun lecteur ne prendrait pour un seul sans que rien ne
les ait comparés, ou plus de {max_phones} numéros. Sur un téléphone partagé par plusieurs
personnes (une agence), c'est le pseudonyme qui les distingue.</p>
<p><strong>Personnes et réseaux.</strong> Les annonces reliées, de proche en proche, forment
une personne. Les personnes qui partagent un téléphone ou un texte presque identique forment
un réseau (une agence, ou une personne et son agence).</p>
<p><strong>Taux de doublons.</strong> C'est la part des annonces qui répètent une personne
déjà comptée : 1 − personnes ÷ annonces.</p>
<p><strong>Marge d'incertitude.</strong> {uncertainty}</p>
<p><strong>Limites.</strong> Une personne qui change à la fois de téléphone, de pseudonyme et de
texte est comptée deux fois ; deux personnes qui partagent tout sont comptées une fois. Seules
les personnes qui ont publié sur les sites collectés, pendant la collecte, sont comptées.</p>
"""

_EN = """
<p><strong>What is counted.</strong> Each row of the file is an ad. adcensus finds its phone
numbers, in the phone column as well as in the title and the text, even disguised ("O6",
numbers in words, emoji), and writes them in international format.</p>
<p><strong>How ads are linked.</strong> Two ads are compared when they share something: a
phone, a pseudonym, a piece of text, a photo. Each clue weighs for or against: the same
phone, the same pseudonym, close ages, near-identical texts, the same photo weigh for;
different numbers, different pseudonyms, distant ages, different texts weigh against. The
weight of each clue is learned from this census itself (a Fellegi–Sunter model fitted by
EM): what a shared pseudonym is worth depends on how common it is. The words that decorate
pseudonyms ("dispo", "VIP", a city) are learned too: "douce LÉA dispo" and "Léa" are one
pseudonym. Sentences found under many phones (a site's notices, stock phrases) do not
count. The clues give the probability that two ads are one person's; pairs whose
probability reaches <strong>{threshold}</strong> are linked. A link is refused when it would
bring together two pseudonyms no reader takes for one that nothing compared, or more than
{max_phones} numbers, into one person. On a phone several persons share (an agency), the
pseudonym tells them apart.</p>
<p><strong>Persons and networks.</strong> Ads linked, step by step, form a person. Persons
sharing a phone or a near-identical text form a network (an agency, or a person and her
agency).</p>
<p><strong>Doublon rate.</strong> The share of ads that repeat a person already counted:
1 − persons ÷ ads.</p>
<p><strong>Uncertainty.</strong> {uncertainty}</p>
<p><strong>Limits.</strong> A person who changes phone, pseudonym and text all at once is
counted twice; two persons who share everything are counted once. Only persons who posted on
the sites collected, during the collection, are counted.</p>
"""


def _persons(count: Any, lang: str, fmt: Any) -> str:
    """ "1 personne", "12 persons": a count of persons with its noun agreeing."""
    written = fmt(count)
    if lang == "fr":
        return f"{written} {plural(written, lang, 'personne', 'personnes')}"
    return f"{written} {plural(written, lang, 'person', 'persons')}"


def uncertainty(estimate: dict[str, Any], lang: str, fmt: Any) -> str:
    """How the interval was made, in one or two sentences (plain text, not escaped)."""
    sens = estimate.get("sensitivity") or {}
    review = estimate.get("review")
    stricter, looser = sens.get("stricter_threshold"), sens.get("looser_threshold")
    if lang == "fr":
        text = (
            f"Le nombre de personnes est recalculé avec un seuil plus strict ({fmt(stricter)} : "
            f"{_persons(sens.get('persons_stricter'), lang, fmt)}) et plus souple "
            f"({fmt(looser)} : {_persons(sens.get('persons_looser'), lang, fmt)})."
        )
        if review:
            links = fmt(review["sampled_links"])
            checked = plural(
                links,
                lang,
                "lien tiré au hasard a été vérifié",
                "liens tirés au hasard ont été vérifiés",
            )
            text += (
                f" {links} {checked} à la main : leur exactitude mesurée donne un intervalle de "
                f"confiance à {fmt(round(estimate['confidence'] * 100))} %."
            )
        else:
            text += (
                " Aucun échantillon de liens n'a été vérifié à la main : vérifier quelques "
                "dizaines de liens tirés au hasard mesurerait les erreurs et préciserait "
                "l'intervalle."
            )
        return text
    text = (
        f"The number of persons is computed again with a stricter threshold ({fmt(stricter)}: "
        f"{_persons(sens.get('persons_stricter'), lang, fmt)}) and a looser one "
        f"({fmt(looser)}: {_persons(sens.get('persons_looser'), lang, fmt)})."
    )
    if review:
        links = fmt(review["sampled_links"])
        checked = plural(links, lang, "link drawn at random was", "links drawn at random were")
        text += (
            f" {links} {checked} checked by hand: "
            f"their measured precision gives a {fmt(round(estimate['confidence'] * 100))}% "
            "confidence interval."
        )
    else:
        text += (
            " No sample of links was checked by hand: checking a few dozen links drawn at "
            "random would measure the errors and narrow the interval."
        )
    return text


def method_html(settings: dict[str, Any], estimate: dict[str, Any], lang: str, fmt: Any) -> str:
    """The method section's paragraphs as HTML (every inserted value escaped by the caller's
    `fmt`, which returns plain numbers, or by html.escape here)."""
    from html import escape

    template = _FR if lang == "fr" else _EN
    return template.format(
        threshold=escape(str(fmt(settings.get("link_threshold", 0.5)))),
        max_phones=escape(str(fmt(settings.get("max_phones", 5)))),
        uncertainty=escape(uncertainty(estimate, lang, fmt)),
    ).strip()
