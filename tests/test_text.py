import pandas as pd

from adcensus import text


def test_fold_removes_case_accents_emoji_and_punctuation():
    folded = text.fold(pd.Series(["Léa ❤️ DISPO!!  ce soir", "ÇA  va", None]))
    assert folded.tolist() == ["lea dispo ce soir", "ca va", ""]


def test_fold_keeps_letters_of_other_scripts():
    assert text.fold(pd.Series(["Снежана"])).tolist() == ["снежана"]


def test_fold_name_keeps_letters_only():
    assert text.fold_name(pd.Series(["Léa ❤️ 23", "LEA", "  "])).tolist() == ["lea", "lea", ""]


def test_remove_urls_and_emails():
    cleaned = text.remove_urls(pd.Series(["voir https://site.test/a?b=1 ou www.x.fr ok", "a@b.fr"]))
    assert text.fold(cleaned).tolist() == ["voir ou ok", ""]


def test_boilerplate_is_what_many_posters_share():
    ads = pd.Series(
        [
            "Nouvelle à Arras. Annonce vérifiée par le site",
            "Coucou. Annonce vérifiée par le site",
            "Bonjour. Annonce vérifiée par le site",
            "Template agence. Hello",
            "Template agence. Salut",
        ]
    )
    sentences = text.split_sentences(ads)
    owners = pd.Series(["p1", "p2", "p3", "agency", "agency"])
    boilerplate = text.find_boilerplate(sentences, owners, min_owners=3)
    assert boilerplate == {"annonce verifiee par le site"}
    kept = text.comparison_text(sentences, len(ads), boilerplate)
    assert kept.tolist()[0] == "nouvelle a arras"
    assert kept.tolist()[3] == "template agence hello"
