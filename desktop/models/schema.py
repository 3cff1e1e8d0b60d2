"""The peewee models: one table per thing a research team records (DESIGN §3)."""

from __future__ import annotations

import datetime as dt

import peewee as pw

database = pw.DatabaseProxy()

RECRUITMENT_STATUSES = ("approached", "consented", "declined", "withdrawn")
PARTICIPATING_STATUSES = ("consented", "withdrawn")


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


class BaseModel(pw.Model):
    class Meta:
        database = database
        legacy_table_names = False


class SchemaVersion(BaseModel):
    """One row: the schema version this file was last written with."""

    version = pw.IntegerField()


class Study(BaseModel):
    name = pw.CharField(max_length=200)
    organisation = pw.CharField(max_length=200, default="")
    municipality = pw.CharField(max_length=200, default="")
    language = pw.CharField(max_length=2, default="nl")
    period_start = pw.DateField(null=True)
    period_end = pw.DateField(null=True)
    created_at = pw.DateTimeField(default=_now)


class Site(BaseModel):
    """A municipality or organisation taking part in a study."""

    study = pw.ForeignKeyField(Study, backref="sites", on_delete="CASCADE")
    name = pw.CharField(max_length=200)

    class Meta:
        indexes = ((("study", "name"), True),)


class Moment(BaseModel):
    """A measurement occasion; `position` orders them, 0 being the intake."""

    study = pw.ForeignKeyField(Study, backref="moments", on_delete="CASCADE")
    key = pw.CharField(max_length=40)
    name = pw.CharField(max_length=100)
    position = pw.IntegerField()
    months = pw.IntegerField(default=0)

    class Meta:
        indexes = ((("study", "position"), True), (("study", "key"), True))


class Instrument(BaseModel):
    """A stored copy of a definition, one row per version: answers always keep the version
    they were given on, so a changed definition never reinterprets them."""

    key = pw.CharField(max_length=60)
    kind = pw.CharField(max_length=30)
    version = pw.IntegerField()
    definition = pw.TextField()

    class Meta:
        indexes = ((("key", "version"), True),)


class StudyInstrument(BaseModel):
    """An instrument a study uses, with the study's own cut-off and norm figures if set."""

    study = pw.ForeignKeyField(Study, backref="instrument_links", on_delete="CASCADE")
    instrument = pw.ForeignKeyField(Instrument, on_delete="RESTRICT")
    cutoff = pw.FloatField(null=True)
    norm_n = pw.IntegerField(null=True)
    norm_percent_high = pw.FloatField(null=True)

    class Meta:
        indexes = ((("study", "instrument"), True),)


class Participant(BaseModel):
    """A pseudonymous participant: a code, never a name."""

    study = pw.ForeignKeyField(Study, backref="participants", on_delete="CASCADE")
    code = pw.CharField(max_length=40)
    site = pw.ForeignKeyField(Site, null=True, on_delete="SET NULL")
    status = pw.CharField(max_length=20, default="consented")
    inclusion_date = pw.DateField(null=True)
    study_group = pw.CharField(max_length=60, default="")
    remarks = pw.TextField(default="")
    version = pw.IntegerField(default=1)

    class Meta:
        indexes = ((("study", "code"), True),)


class Response(BaseModel):
    """One filled-in instrument: participant × moment × instrument, with its date."""

    participant = pw.ForeignKeyField(Participant, backref="responses", on_delete="CASCADE")
    moment = pw.ForeignKeyField(Moment, on_delete="RESTRICT")
    instrument = pw.ForeignKeyField(Instrument, on_delete="RESTRICT")
    assessed_on = pw.DateField()
    entered_by = pw.CharField(max_length=100)
    entered_at = pw.DateTimeField(default=_now)
    verification = pw.CharField(max_length=20, default="single")
    version = pw.IntegerField(default=1)

    class Meta:
        indexes = ((("participant", "moment", "instrument"), True),)


class ResponseValue(BaseModel):
    """One item's answer; a missing answer keeps its reason instead of a value."""

    response = pw.ForeignKeyField(Response, backref="values", on_delete="CASCADE")
    item = pw.CharField(max_length=60)
    value = pw.IntegerField(null=True)
    missing_reason = pw.CharField(max_length=40, null=True)

    class Meta:
        indexes = ((("response", "item"), True),)


class SecondEntry(BaseModel):
    """A paper form typed a second time, blind, by another assistant (double data entry): kept
    apart from the response it checks, which it never changes by itself. `fields` and `agreed`
    say how many of the date and the items were compared and how many the two entries agreed
    on, counted when it was saved, with `first_entered_by` the first entry's assistant then."""

    response = pw.ForeignKeyField(Response, backref="second_entries", on_delete="CASCADE",
                                  unique=True)
    assessed_on = pw.DateField()
    entered_by = pw.CharField(max_length=100)
    entered_at = pw.DateTimeField(default=_now)
    first_entered_by = pw.CharField(max_length=100)
    fields = pw.IntegerField()
    agreed = pw.IntegerField()
    resolved_by = pw.CharField(max_length=100, default="")
    resolved_at = pw.DateTimeField(null=True)


class SecondEntryValue(BaseModel):
    """One item of a second entry, stored as ResponseValue stores the first."""

    second_entry = pw.ForeignKeyField(SecondEntry, backref="values", on_delete="CASCADE")
    item = pw.CharField(max_length=60)
    value = pw.IntegerField(null=True)
    missing_reason = pw.CharField(max_length=40, null=True)

    class Meta:
        indexes = ((("second_entry", "item"), True),)


class Professional(BaseModel):
    """A pseudonymous professional (access worker, mentor, team lead): a code, never a name."""

    study = pw.ForeignKeyField(Study, backref="professionals", on_delete="CASCADE")
    code = pw.CharField(max_length=40)
    role = pw.CharField(max_length=60, default="")
    site = pw.ForeignKeyField(Site, null=True, on_delete="SET NULL")
    organisation = pw.CharField(max_length=200, default="")
    remarks = pw.TextField(default="")
    version = pw.IntegerField(default=1)

    class Meta:
        indexes = ((("study", "code"), True),)


class Survey(BaseModel):
    """A study's own copy of a survey definition: its focus group's elements to rank, its
    implementation statements and its fidelity steps (format in desktop/models/surveys.py)."""

    study = pw.ForeignKeyField(Study, backref="surveys", on_delete="CASCADE")
    key = pw.CharField(max_length=60)
    definition = pw.TextField()
    version = pw.IntegerField(default=1)

    class Meta:
        indexes = ((("study", "key"), True),)


class SurveyResponse(BaseModel):
    """One professional's filled-in survey; `complete` is False for a partial response."""

    survey = pw.ForeignKeyField(Survey, backref="responses", on_delete="CASCADE")
    professional = pw.ForeignKeyField(Professional, backref="survey_responses",
                                      on_delete="CASCADE")
    answered_on = pw.DateField(null=True)
    complete = pw.BooleanField()
    entered_by = pw.CharField(max_length=100)
    entered_at = pw.DateTimeField(default=_now)
    version = pw.IntegerField(default=1)

    class Meta:
        indexes = ((("survey", "professional"), True),)


class SurveyAnswer(BaseModel):
    """One answer by key: an element's rank, a statement's Likert value or a step applied (1)
    or not (0). Keys are unique over a survey, so the key tells which part it belongs to."""

    response = pw.ForeignKeyField(SurveyResponse, backref="answers", on_delete="CASCADE")
    item = pw.CharField(max_length=60)
    value = pw.IntegerField()

    class Meta:
        indexes = ((("response", "item"), True),)


class ActionType(BaseModel):
    """A kind of goal-action-plan action the study tracks; `rewardable` where the study gave a
    reward (e.g. a gift voucher) for doing it. `label` holds the names as {"nl": …, "en": …}."""

    study = pw.ForeignKeyField(Study, backref="action_types", on_delete="CASCADE")
    key = pw.CharField(max_length=60)
    label = pw.TextField()
    rewardable = pw.BooleanField(default=False)
    position = pw.IntegerField()

    class Meta:
        indexes = ((("study", "key"), True),)


class Action(BaseModel):
    """One action of a participant's goal-action plan: agreed on a date, done on a date (or not
    yet), serving a Bridge pillar, perhaps rewarded."""

    participant = pw.ForeignKeyField(Participant, backref="actions", on_delete="CASCADE")
    action_type = pw.ForeignKeyField(ActionType, on_delete="RESTRICT")
    pillar = pw.CharField(max_length=60, default="")
    agreed_on = pw.DateField()
    done_on = pw.DateField(null=True)
    reward_kind = pw.CharField(max_length=60, default="")
    reward_value = pw.DecimalField(max_digits=8, decimal_places=2, null=True)
    remarks = pw.TextField(default="")
    entered_by = pw.CharField(max_length=100)
    entered_at = pw.DateTimeField(default=_now)
    version = pw.IntegerField(default=1)

    class Meta:
        indexes = ((("participant", "agreed_on"), False),)


class Interview(BaseModel):
    """An interview with a participant or a professional, its transcript stored in full (a
    file may move or vanish; the codings' positions must keep meaning the same text)."""

    study = pw.ForeignKeyField(Study, backref="interviews", on_delete="CASCADE")
    participant = pw.ForeignKeyField(Participant, null=True, backref="interviews",
                                     on_delete="RESTRICT")
    professional = pw.ForeignKeyField(Professional, null=True, backref="interviews",
                                      on_delete="RESTRICT")
    held_on = pw.DateField(null=True)
    interviewer = pw.CharField(max_length=100, default="")
    source = pw.CharField(max_length=260, default="")  # the file it came from, if any
    transcript = pw.TextField()
    entered_by = pw.CharField(max_length=100)
    entered_at = pw.DateTimeField(default=_now)
    version = pw.IntegerField(default=1)


class CodeCategory(BaseModel):
    """A node in the codebook's tree of categories (a category may hold categories)."""

    study = pw.ForeignKeyField(Study, backref="code_categories", on_delete="CASCADE")
    parent = pw.ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    name = pw.CharField(max_length=120)
    position = pw.IntegerField(default=0)

    class Meta:
        indexes = ((("study", "parent", "name"), True),)


class Code(BaseModel):
    """A code of the study's codebook: a theme with its definition and colour."""

    study = pw.ForeignKeyField(Study, backref="codes", on_delete="CASCADE")
    category = pw.ForeignKeyField(CodeCategory, null=True, backref="codes",
                                  on_delete="RESTRICT")
    name = pw.CharField(max_length=120)
    definition = pw.TextField(default="")
    colour = pw.CharField(max_length=7, default="#2F5D8A")
    position = pw.IntegerField(default=0)
    version = pw.IntegerField(default=1)

    class Meta:
        indexes = ((("study", "name"), True),)


class Coding(BaseModel):
    """One code applied by one coder: to a passage (start/end are character offsets in the
    transcript, end exclusive) or, with both empty, to the interview as a whole."""

    interview = pw.ForeignKeyField(Interview, backref="codings", on_delete="CASCADE")
    code = pw.ForeignKeyField(Code, backref="codings", on_delete="RESTRICT")
    coder = pw.CharField(max_length=100)
    start = pw.IntegerField(null=True)
    end = pw.IntegerField(null=True)
    memo = pw.TextField(default="")
    created_at = pw.DateTimeField(default=_now)

    class Meta:
        indexes = ((("interview", "coder"), False), (("code",), False))


class Narrative(BaseModel):
    """A researcher's text for the factsheet, per study and language: a narrative section
    (introduction, implementation insights, recommendations, …) with `site` empty, or an edited
    result sentence for one edition (the whole study, or one site). `generated` keeps the
    sentence the app wrote when it was edited, so an edit made on older figures is noticed."""

    study = pw.ForeignKeyField(Study, backref="narratives", on_delete="CASCADE")
    site = pw.ForeignKeyField(Site, null=True, on_delete="CASCADE")
    language = pw.CharField(max_length=2)
    kind = pw.CharField(max_length=80)
    text = pw.TextField()
    generated = pw.TextField(default="")
    updated_by = pw.CharField(max_length=100)
    updated_at = pw.DateTimeField(default=_now)
    version = pw.IntegerField(default=1)

    class Meta:
        indexes = ((("study", "language", "kind", "site"), True),)


# NULL never equals NULL in a unique index (SQLite and PostgreSQL alike): the study-wide texts
# (no site) and the top-level categories (no parent) need a partial index of their own.
Narrative.add_index(Narrative.index(Narrative.study, Narrative.language, Narrative.kind,
                                    unique=True, where=Narrative.site.is_null(),
                                    name="narrative_study_wide_unique"))
CodeCategory.add_index(CodeCategory.index(CodeCategory.study, CodeCategory.name, unique=True,
                                          where=CodeCategory.parent.is_null(),
                                          name="codecategory_top_level_unique"))


class AuditEntry(BaseModel):
    """Append-only: who changed which field of which record, from what to what, and when."""

    table = pw.CharField(max_length=60)
    record_id = pw.IntegerField()
    action = pw.CharField(max_length=10)
    field = pw.CharField(max_length=60, default="")
    old_value = pw.TextField(null=True)
    new_value = pw.TextField(null=True)
    user = pw.CharField(max_length=100)
    at = pw.DateTimeField(default=_now)

    class Meta:
        # browsing newest first: per user and per table in id order, per period by time
        indexes = ((("table", "record_id"), False), (("user", "id"), False),
                   (("table", "id"), False), (("at",), False))


class ErasurePermit(BaseModel):
    """A row here, inside an erasure's own transaction, is the one permit the database's
    append-only guard accepts to delete audit entries (other sessions never see it)."""


USER_ROLES = ("assistant", "lead")


class User(BaseModel):
    """Someone who works in this database: an operating-system login, or a PostgreSQL role in
    team mode. Never deleted, only made inactive: the audit trail keeps naming them."""

    name = pw.CharField(max_length=100, unique=True)
    role = pw.CharField(max_length=20, default="assistant")
    active = pw.BooleanField(default=True)
    added_by = pw.CharField(max_length=100)
    added_at = pw.DateTimeField(default=_now)

    class Meta:
        table_name = "app_user"  # "user" is a reserved word in PostgreSQL


class DeletedRecord(BaseModel):
    """The recycle bin: a deleted record with its child rows as JSON, why and by whom, so a
    lead can put it back under its own ids. The live tables keep no deleted rows. Ids of the
    study, participant and professional are plain numbers, not keys: the bin must never stop
    (or follow) a change to the live tables."""

    table = pw.CharField(max_length=60)
    record_id = pw.IntegerField()
    study = pw.IntegerField()
    participant = pw.IntegerField(null=True)
    professional = pw.IntegerField(null=True)
    code = pw.CharField(max_length=40, default="")
    data = pw.TextField()
    reason = pw.TextField()
    deleted_by = pw.CharField(max_length=100)
    deleted_at = pw.DateTimeField(default=_now)
    restored_by = pw.CharField(max_length=100, null=True)
    restored_at = pw.DateTimeField(null=True)

    class Meta:
        indexes = ((("study", "deleted_at"), False), (("participant",), False))


MODELS: tuple[type[BaseModel], ...] = (
    SchemaVersion,
    Study,
    Site,
    Moment,
    Instrument,
    StudyInstrument,
    Participant,
    Response,
    ResponseValue,
    SecondEntry,
    SecondEntryValue,
    Professional,
    Survey,
    SurveyResponse,
    SurveyAnswer,
    ActionType,
    Action,
    Narrative,
    Interview,
    CodeCategory,
    Code,
    Coding,
    AuditEntry,
    ErasurePermit,
    User,
    DeletedRecord,
)
