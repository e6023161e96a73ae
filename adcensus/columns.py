"""Column roles and output column names: the one place they are spelled."""

from __future__ import annotations

# Input roles, each recognised from English or French headers (see read/roles.py).
AD_ID = "ad_id"
SITE = "site"
URL = "url"
DATE = "date"
CITY = "city"
PHONE = "phone"
NAME = "name"
AGE = "age"
TITLE = "title"
TEXT = "text"
PHOTO_HASH = "photo_hash"
ROLES: tuple[str, ...] = (AD_ID, SITE, URL, DATE, CITY, PHONE, NAME, AGE, TITLE, TEXT, PHOTO_HASH)
# Roles whose values can lead to a person: phones, urls, pseudonyms, photos, free text.
IDENTIFYING_ROLES: tuple[str, ...] = (PHONE, URL, NAME, PHOTO_HASH, TITLE, TEXT)

# Added to the input table when several files are read together.
SOURCE_FILE = "source_file"

# Columns that dedupe appends to ads.csv, in this order.
AD_KEY = "ad_key"
PERSON_ID = "person_id"
NETWORK_ID = "network_id"
PHONES = "phones"
LINK_REASON = "link_reason"
FLAGS = "flags"
ADS_OUTPUT_COLUMNS: tuple[str, ...] = (PERSON_ID, NETWORK_ID, PHONES, LINK_REASON, AD_KEY, FLAGS)

PERSONS_COLUMNS: tuple[str, ...] = (
    "person_id",
    "network_id",
    "ads",
    "sites",
    "cities",
    "first_seen",
    "last_seen",
    "names",
    "phones",
)
# Profile columns dedupe appends to persons.csv, in this order (see adcensus.profiles).
PROFILE_COLUMNS: tuple[str, ...] = (
    "age_group", "ages_stated", "age_conflict", "origin", "presentation", "kind",
    "may_be_minor", "minor_reason", "conflicts",
)  # fmt: skip
PAIRS_COLUMNS: tuple[str, ...] = ("ad_a", "ad_b", "score", "decision", "evidence")
