"""Who the ads present: stated age, origin, presentation and kind of posting, per ad
(`ad_profile`) and per person (`person_profiles`), as the ads state it, never guessed
beyond the text; and the persons a field team may want to check as possible minors.

What these indicators can show: what the ads say, counted per person, with the
disagreements between a person's ads kept. What they cannot show: a person's real age,
nationality or gender, nor whether she is exploited. Ads lie about ages (younger or
older), "nouvelle" and "brésilienne" are selling words, an agency may post as an
independent. `may_be_minor` is a list for a field team to look at, never a finding.
"""

from adcensus.profiles.ads import AdProfile, ad_profile, stated_ages, stated_origins
from adcensus.profiles.persons import (
    AGE_GROUPS,
    KINDS,
    PRESENTATIONS,
    PROFILE_COLUMNS,
    TOURING_DAYS,
    AdReadings,
    age_group,
    person_profiles,
    profiles_summary,
    read_ad_profiles,
    with_profiles,
)
from adcensus.profiles.words import load_origins

__all__ = [
    "AGE_GROUPS",
    "KINDS",
    "PRESENTATIONS",
    "PROFILE_COLUMNS",
    "TOURING_DAYS",
    "AdProfile",
    "AdReadings",
    "ad_profile",
    "age_group",
    "load_origins",
    "person_profiles",
    "profiles_summary",
    "read_ad_profiles",
    "stated_ages",
    "stated_origins",
    "with_profiles",
]
