"""No field holds what identifies a person: remarks of participants, professionals and actions
refuse an e-mail address or a number passing the BSN eleven test however it is written, while
phone numbers, dates and counts pass; nothing of a refused save is stored."""

from __future__ import annotations

import pytest

from desktop.models.errors import ValidationError
from desktop.models.schema import Action, Participant, Professional
from desktop.models.services import actions, participants, professionals

REFUSED = [
    ("mail: jan.jansen@example.nl", "error.text_email"),
    ("bsn 123456782", "error.text_bsn"),
    ("bsn 1234.56.782", "error.text_bsn"),
    ("bsn 123 456 782", "error.text_bsn"),
    ("bsn 1234-56-782", "error.text_bsn"),
    ("bsn 123-456-782", "error.text_bsn"),
]
ALLOWED = ["tel 06-12345678", "op 15-01-2018 gesproken", "123456789 is geen bsn",
           "schuld 12.500 euro", ""]


@pytest.mark.parametrize(("remark", "key"), REFUSED)
def test_remarks_refuse_an_identifier_and_store_nothing(study, participant, remark, key):
    site = study.sites[0].id
    refused = [
        lambda: participants.add_participant(study.id, participants.ParticipantInput(
            "AL-009", site, remarks=remark)),
        lambda: professionals.add_professional(study.id, professionals.ProfessionalInput(
            "PR-09", remarks=remark)),
        lambda: actions.add_action(participant.id, actions.ActionInput(
            actions.action_types(study.id)[0].id, "2018-01-20", remarks=remark)),
    ]
    for save in refused:
        with pytest.raises(ValidationError) as error:
            save()
        assert (error.value.field, error.value.key) == ("remarks", key)
    assert Participant.select().count() == 1
    assert Professional.select().count() == 0 and Action.select().count() == 0


@pytest.mark.parametrize("remark", ALLOWED)
def test_remarks_keep_phone_numbers_dates_and_amounts(study, remark):
    pid = participants.add_participant(study.id, participants.ParticipantInput(
        "AL-009", study.sites[0].id, remarks=remark))
    assert participants.get_participant(pid).remarks == remark


def test_a_study_group_and_a_coding_memo_refuse_an_identifier_too(study, participant):
    from desktop.models.services import codebook, codings, interviews

    with pytest.raises(ValidationError) as refused:
        participants.add_participant(study.id, participants.ParticipantInput(
            "AL-010", None, study_group="groep van j.jansen@example.nl"))
    assert (refused.value.field, refused.value.key) == ("study_group", "error.text_email")
    interview = interviews.add_interview(study.id, interviews.InterviewInput(
        participant_id=participant.id, held_on="2018-08-01", transcript="Het ging goed."))
    code = codebook.add_code(study.id, "Steun")
    with pytest.raises(ValidationError) as refused:
        codings.add_coding(interview, code, "A", 0, 3, "haar bsn is 123456782")
    assert (refused.value.field, refused.value.key) == ("memo", "error.text_bsn")
    assert not codings.interview_codings(interview)
