import pytest

from adcensus.errors import InputError
from adcensus.settings import Settings, load_settings, parse_setting


def test_defaults_without_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert load_settings() == Settings()


def test_link_table_overrides_defaults(tmp_path):
    path = tmp_path / "adcensus.toml"
    path.write_text("[link]\nlink_threshold = 0.9\nblock_window = 10\nregion = 'BE'\n")
    settings = load_settings(path)
    assert (settings.link_threshold, settings.block_window, settings.region) == (0.9, 10, "BE")


def test_int_is_accepted_for_a_float_setting(tmp_path):
    path = tmp_path / "a.toml"
    path.write_text("[link]\ndoubtful_margin = 0\n")
    assert load_settings(path).doubtful_margin == 0.0


def test_a_retired_weight_says_weights_are_learned_now(tmp_path):
    path = tmp_path / "a.toml"
    path.write_text("[link]\nw_phone_shared = 5\n")
    with pytest.raises(InputError, match="weights are now learned"):
        load_settings(path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[link]\nthreshold = 0.9\n", "unknown setting 'threshold'"),
        ("[link]\nblock_window = 'ten'\n", "must be a int"),
        ("[link\n", "not a valid TOML file"),
    ],
)
def test_bad_settings_files_say_what_is_wrong(tmp_path, content, message):
    path = tmp_path / "bad.toml"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        load_settings(path)


def test_with_overrides_ignores_none_and_rejects_unknown():
    assert Settings().with_overrides(link_threshold=None) == Settings()
    assert Settings().with_overrides(link_threshold=0.5).link_threshold == 0.5
    with pytest.raises(InputError):
        Settings().with_overrides(nope=1)


def test_set_option_values_are_typed():
    assert parse_setting("link_threshold=0,85") == ("link_threshold", 0.85)
    assert parse_setting("block_window = 10") == ("block_window", 10)
    assert parse_setting("region=BE") == ("region", "BE")
    with pytest.raises(InputError, match="expected NAME=VALUE"):
        parse_setting("nothing")
    with pytest.raises(InputError, match="must be a int"):
        parse_setting("block_window=wide")
    with pytest.raises(InputError, match="unknown setting"):
        parse_setting("bogus=1")


def test_a_yes_or_no_setting_reads_true_and_false():
    assert parse_setting("learn_weights=false") == ("learn_weights", False)
    assert parse_setting("learn_weights=True") == ("learn_weights", True)
    with pytest.raises(InputError, match="must be true or false"):
        parse_setting("learn_weights=perhaps")
