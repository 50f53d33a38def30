"""Infobip campaign validation: each limit of the seed at both edges, types, and the 400 envelope by field path."""

from __future__ import annotations

import pytest
from infobip_helpers import (
    CAMPAIGNS,
    DEMO_KEY,
    SAMPLE_NUMBER_KEY,
    SEED_NUMBER,
    auth,
    campaign_body,
    create,
    validation_errors,
)

# The client's NumbersCampaign subtypes; the other four NumbersCampaignType values have no model.
SUBTYPES = "must be one of [TEN_DIGIT_LONG_CODE, EXTERNAL_TEN_DIGIT_LONG_CODE, TOLL_FREE_NUMBER]"

REQUIRED = [
    "name", "brandId", "programSummary", "confirmationMessage", "exampleMessages", "helpMessage", "stopMessage",
    "messageTypes", "termsAndConditionsUrl", "optIns", "lowVolume", "customerCarePhone", "customerCareEmail",
    "useCases",
]  # fmt: skip
USE_CASES = ["ALERTS", "CHAT", "DONATION", "EDUCATION", "FRAUD_ALERTS", "PROMOTIONAL_MARKETING"]


def accepted(client, **overrides):
    response = create(client, campaign_body(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def refused(client, **overrides):
    return validation_errors(create(client, campaign_body(**overrides)))


def test_every_required_field_missing_is_named(client):
    assert validation_errors(create(client, {})) == {name: ["must not be null"] for name in REQUIRED}


@pytest.mark.parametrize("name", REQUIRED)
def test_a_required_field_sent_as_null_is_refused(client, name):
    assert refused(client, **{name: None}) == {name: ["must not be null"]}


# -- name: [1..30] characters, [A-Za-z0-9_ ]* ---------------------------------------------------------------
def test_name_of_30_characters_is_accepted(client):
    assert accepted(client, name="A" * 30)["name"] == "A" * 30


@pytest.mark.parametrize("name", ["A" * 31, ""])
def test_name_outside_1_to_30_characters_is_refused(client, name):
    assert refused(client, name=name) == {"name": ["size must be between 1 and 30"]}


def test_name_with_letters_digits_underscore_and_space_is_accepted(client):
    accepted(client, name="Promo_2024 Fall")


@pytest.mark.parametrize("name", ["Promo!", "Café", "a-b", "line\nbreak"])
def test_name_outside_the_pattern_is_refused(client, name):
    assert refused(client, name=name) == {"name": ['must match "[A-Za-z0-9_ ]*"']}


# -- programSummary: [40..500] --------------------------------------------------------------------------------
@pytest.mark.parametrize("length", [40, 500])
def test_program_summary_at_its_limits_is_accepted(client, length):
    accepted(client, programSummary="p" * length)


@pytest.mark.parametrize("length", [39, 501])
def test_program_summary_past_its_limits_is_refused(client, length):
    assert refused(client, programSummary="p" * length) == {"programSummary": ["size must be between 40 and 500"]}


# -- confirmationMessage, helpMessage, stopMessage: [20..320] -----------------------------------------------
MESSAGES = ["confirmationMessage", "helpMessage", "stopMessage"]


@pytest.mark.parametrize("field", MESSAGES)
@pytest.mark.parametrize("length", [20, 320])
def test_messages_at_their_limits_are_accepted(client, field, length):
    accepted(client, **{field: "m" * length})


@pytest.mark.parametrize("field", MESSAGES)
@pytest.mark.parametrize("length", [19, 321])
def test_messages_past_their_limits_are_refused(client, field, length):
    assert refused(client, **{field: "m" * length}) == {field: ["size must be between 20 and 320"]}


# -- exampleMessages: [0..5] items, each at least 20 characters ---------------------------------------------
@pytest.mark.parametrize("count", [0, 5])
def test_zero_to_five_example_messages_are_accepted(client, count):
    assert len(accepted(client, exampleMessages=["e" * 20] * count)["exampleMessages"]) == count


def test_six_example_messages_are_refused(client):
    assert refused(client, exampleMessages=["e" * 20] * 6) == {"exampleMessages": ["size must be between 0 and 5"]}


def test_an_example_message_of_19_characters_is_refused_by_its_index(client):
    assert refused(client, exampleMessages=["e" * 20, "e" * 19]) == {
        "exampleMessages[1]": ["must be at least 20 characters long"]
    }


# -- messageTypes: SMS and/or MMS, either case in; the seed's lower case out (a setting switches) ------------
@pytest.mark.parametrize("types", [["SMS"], ["MMS"], ["MMS", "SMS"], ["sms", "mms"], ["mms", "SMS"]])
def test_message_types_are_accepted_in_either_case_and_returned_in_lower_case(client, types):
    assert accepted(client, messageTypes=types)["messageTypes"] == [t.lower() for t in types]


def test_a_tenant_setting_answers_message_types_in_upper_case(client, fresh_key):
    """The official client parses only SMS/MMS [client NumbersMessageType]; seed 001's answer is lower case."""
    key = fresh_key("infobip")
    made = create(client, campaign_body(messageTypes=["sms", "MMS"]), key=key).get_json()
    assert made["messageTypes"] == ["sms", "mms"]
    settings = {"credential": key, "vendor": "infobip", "infobip": {"message_types_case": "upper"}}
    assert client.patch("/_sandbox/settings", json=settings).status_code == 200
    campaign = client.get(f"{CAMPAIGNS}/{made['id']}", headers=auth(key)).get_json()
    assert campaign["messageTypes"] == ["SMS", "MMS"]
    listed = client.get(CAMPAIGNS, headers=auth(key)).get_json()["results"]
    assert listed[0]["messageTypes"] == ["SMS", "MMS"]
    assert create(client, campaign_body(), key=DEMO_KEY).get_json()["messageTypes"] == ["sms", "mms"]  # per tenant


@pytest.mark.parametrize(
    ("types", "errors"),
    [
        (["Sms"], {"messageTypes[0]": ["must be one of [SMS, MMS, sms, mms]"]}),
        (["SMS", "RCS"], {"messageTypes[1]": ["must be one of [SMS, MMS, sms, mms]"]}),
        ([], {"messageTypes": ["size must be between 1 and 2"]}),
        (["SMS", "SMS"], {"messageTypes": ["must not contain duplicate values"]}),
        (["SMS", "sms"], {"messageTypes": ["must not contain duplicate values"]}),
    ],
)
def test_bad_message_types_are_refused(client, types, errors):
    assert refused(client, messageTypes=types) == errors


# -- useCases: [1..5] of the enum ----------------------------------------------------------------------------
@pytest.mark.parametrize("count", [1, 5])
def test_one_to_five_use_cases_are_accepted(client, count):
    assert accepted(client, useCases=USE_CASES[:count])["useCases"] == USE_CASES[:count]


@pytest.mark.parametrize("count", [0, 6])
def test_zero_or_six_use_cases_are_refused(client, count):
    assert refused(client, useCases=USE_CASES[:count]) == {"useCases": ["size must be between 1 and 5"]}


def test_an_unknown_use_case_is_refused(client):
    errors = refused(client, useCases=["ALERTS", "MARKETING"])
    assert list(errors) == ["useCases[1]"] and errors["useCases[1]"][0].startswith("must be one of [ALERTS, CHAT")


def test_every_documented_use_case_is_accepted(client):
    for group in (USE_CASES[:5], ["PUBLIC_SERVICE_ANNOUNCEMENT", "TWO_FACTOR_AUTH", "VOTING_POLLING", "POLITICAL"]):
        accepted(client, useCases=group)


# -- termsAndConditionsUrl: [11..255] -----------------------------------------------------------------------
@pytest.mark.parametrize("length", [11, 255])
def test_terms_url_at_its_limits_is_accepted(client, length):
    accepted(client, termsAndConditionsUrl="u" * length)


@pytest.mark.parametrize("length", [10, 256])
def test_terms_url_past_its_limits_is_refused(client, length):
    assert refused(client, termsAndConditionsUrl="u" * length) == {
        "termsAndConditionsUrl": ["size must be between 11 and 255"]
    }


# -- optIns: at least one mechanism -------------------------------------------------------------------------
@pytest.mark.parametrize("mechanism", ["web", "verbal", "interactiveVoiceResponse"])
def test_each_opt_in_mechanism_alone_is_enough(client, mechanism):
    accepted(client, optIns={mechanism: {"callToAction": "Opt in by saying yes"}})


@pytest.mark.parametrize("opt_ins", [{}, {"keyword": None, "web": None}, {"sms": {"callToAction": "x"}}])
def test_opt_ins_without_a_mechanism_are_refused(client, opt_ins):
    assert refused(client, optIns=opt_ins) == {
        "optIns": ["at least one of [keyword, web, verbal, interactiveVoiceResponse] is required"]
    }


def test_a_keyword_opt_in_needs_its_keywords_and_call_to_action(client):
    assert refused(client, optIns={"keyword": {"keywords": []}}) == {
        "optIns.keyword.callToAction": ["must not be null"],
        "optIns.keyword.keywords": ["size must be at least 1"],
    }


# -- customerCarePhone: [3..16] characters, \+?[1-9]\d{1,14} -------------------------------------------------
@pytest.mark.parametrize("phone", ["+12", "123", "+123456789012345", "123456789012345"])
def test_phones_at_the_limits_are_accepted(client, phone):
    accepted(client, customerCarePhone=phone)


@pytest.mark.parametrize(
    ("phone", "errors"),
    [
        ("12", ["size must be between 3 and 16"]),
        ("+1234567890123456", ["size must be between 3 and 16", 'must match "\\+?[1-9]\\d{1,14}"']),
        ("1234567890123456", ['must match "\\+?[1-9]\\d{1,14}"']),
        ("0123", ['must match "\\+?[1-9]\\d{1,14}"']),
        ("12a4", ['must match "\\+?[1-9]\\d{1,14}"']),
        ("+1 202 555", ['must match "\\+?[1-9]\\d{1,14}"']),
        ("1\u0662\u0663", ['must match "\\+?[1-9]\\d{1,14}"']),  # Arabic-Indic digits: Java's \d is [0-9]
    ],
)
def test_phones_past_the_limits_or_pattern_are_refused(client, phone, errors):
    assert refused(client, customerCarePhone=phone) == {"customerCarePhone": errors}


# -- customerCareEmail: [1..255], well formed, no '=' -------------------------------------------------------
def _email(length: int) -> str:
    domain = ".".join(["d" * 63, "d" * 63, "d" * 60]) + ".com"  # 190 characters
    return "u" * (length - len(domain) - 1) + "@" + domain


def test_an_email_of_255_characters_is_accepted(client):
    assert accepted(client, customerCareEmail=_email(255))["customerCareEmail"] == _email(255)


def test_an_email_of_256_characters_is_refused(client):
    assert "size must be between 1 and 255" in refused(client, customerCareEmail=_email(256))["customerCareEmail"]


def test_an_email_with_an_equals_sign_is_refused(client):
    assert refused(client, customerCareEmail="a=b@example.com") == {
        "customerCareEmail": ["must not contain the '=' character"]
    }


@pytest.mark.parametrize("email", ["", "examples", "examples@", "@example.com", "a b@example.com"])
def test_a_malformed_email_is_refused(client, email):
    assert "must be a well-formed email address" in refused(client, customerCareEmail=email)["customerCareEmail"]


# -- numbers and numberKeys: [0..49] ------------------------------------------------------------------------
def _account_numbers(count: int) -> list[str]:
    return [f"1202555{i:04d}" for i in range(110, 110 + count)]


def test_49_numbers_are_accepted(client):
    assert len(accepted(client, numbers=_account_numbers(49))["numberKeys"]) == 49


def test_50_numbers_are_refused(client):
    assert refused(client, numbers=_account_numbers(50)) == {"numbers": ["size must be between 0 and 49"]}


def test_49_number_keys_are_accepted(client):
    assert len(accepted(client, numberKeys=[SAMPLE_NUMBER_KEY] * 49)["numberKeys"]) == 1


def test_50_number_keys_are_refused(client):
    assert refused(client, numberKeys=[SAMPLE_NUMBER_KEY] * 50) == {"numberKeys": ["size must be between 0 and 49"]}


# -- types and the campaign type ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"name": 5}, {"name": ["must be a string"]}),
        ({"programSummary": ["x" * 50]}, {"programSummary": ["must be a string"]}),
        ({"exampleMessages": "Come in today and get 10% OFF today!"}, {"exampleMessages": ["must be an array"]}),
        ({"exampleMessages": [None]}, {"exampleMessages[0]": ["must not be null"]}),
        ({"optIns": []}, {"optIns": ["must be an object"]}),
        ({"optIns": {"keyword": "MESSAGE"}}, {"optIns.keyword": ["must be an object"]}),
        ({"lowVolume": "false"}, {"lowVolume": ["must be a boolean"]}),
        ({"ageGated": 1}, {"ageGated": ["must be a boolean"]}),
        ({"numbers": SEED_NUMBER}, {"numbers": ["must be an array"]}),
        ({"numbers": [41785473249]}, {"numbers[0]": ["must be a string"]}),
        ({"customerCarePhone": 41785473249}, {"customerCarePhone": ["must be a string"]}),
        ({"brandId": {"id": "x"}}, {"brandId": ["must be a string"]}),
        ({"referenceId": 7}, {"referenceId": ["must be a string"]}),
        ({"type": "SHORT_CODE"}, {"type": [SUBTYPES]}),
        ({"type": "LONG_CODE"}, {"type": [SUBTYPES]}),
    ],
)
def test_wrong_types_are_refused_by_field_path(client, overrides, errors):
    assert refused(client, **overrides) == errors


def test_type_defaults_to_ten_digit_long_code(client):
    body = campaign_body()
    del body["type"]
    assert create(client, body).get_json()["type"] == "TEN_DIGIT_LONG_CODE"
