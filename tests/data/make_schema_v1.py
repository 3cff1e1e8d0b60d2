"""Writes brugmeter-schema-v1.sqlite: a database as Brugmeter's schema version 1 left it.

Kept so the migration test opens a real file of an earlier version; run only to recreate it.
Version 1 had no `version` columns (participant, response) and no `verification` on response.
"""

import sqlite3
from pathlib import Path

HERE = Path(__file__).parent
DDL = """
CREATE TABLE "schema_version" ("id" INTEGER NOT NULL PRIMARY KEY, "version" INTEGER NOT NULL);
CREATE TABLE "study" ("id" INTEGER NOT NULL PRIMARY KEY, "name" VARCHAR(200) NOT NULL,
  "organisation" VARCHAR(200) NOT NULL, "municipality" VARCHAR(200) NOT NULL,
  "language" VARCHAR(2) NOT NULL, "period_start" DATE, "period_end" DATE,
  "created_at" DATETIME NOT NULL);
CREATE TABLE "site" ("id" INTEGER NOT NULL PRIMARY KEY, "study_id" INTEGER NOT NULL,
  "name" VARCHAR(200) NOT NULL,
  FOREIGN KEY ("study_id") REFERENCES "study" ("id") ON DELETE CASCADE);
CREATE UNIQUE INDEX "site_study_id_name" ON "site" ("study_id", "name");
CREATE TABLE "moment" ("id" INTEGER NOT NULL PRIMARY KEY, "study_id" INTEGER NOT NULL,
  "key" VARCHAR(40) NOT NULL, "name" VARCHAR(100) NOT NULL, "position" INTEGER NOT NULL,
  "months" INTEGER NOT NULL, FOREIGN KEY ("study_id") REFERENCES "study" ("id") ON DELETE CASCADE);
CREATE UNIQUE INDEX "moment_study_id_position" ON "moment" ("study_id", "position");
CREATE UNIQUE INDEX "moment_study_id_key" ON "moment" ("study_id", "key");
CREATE TABLE "instrument" ("id" INTEGER NOT NULL PRIMARY KEY, "key" VARCHAR(60) NOT NULL,
  "kind" VARCHAR(30) NOT NULL, "version" INTEGER NOT NULL, "definition" TEXT NOT NULL);
CREATE UNIQUE INDEX "instrument_key" ON "instrument" ("key");
CREATE TABLE "study_instrument" ("id" INTEGER NOT NULL PRIMARY KEY, "study_id" INTEGER NOT NULL,
  "instrument_id" INTEGER NOT NULL,
  FOREIGN KEY ("study_id") REFERENCES "study" ("id") ON DELETE CASCADE,
  FOREIGN KEY ("instrument_id") REFERENCES "instrument" ("id") ON DELETE RESTRICT);
CREATE UNIQUE INDEX "study_instrument_study_id_instrument_id"
  ON "study_instrument" ("study_id", "instrument_id");
CREATE TABLE "participant" ("id" INTEGER NOT NULL PRIMARY KEY, "study_id" INTEGER NOT NULL,
  "code" VARCHAR(40) NOT NULL, "site_id" INTEGER, "status" VARCHAR(20) NOT NULL,
  "inclusion_date" DATE, "study_group" VARCHAR(60) NOT NULL, "remarks" TEXT NOT NULL,
  FOREIGN KEY ("study_id") REFERENCES "study" ("id") ON DELETE CASCADE,
  FOREIGN KEY ("site_id") REFERENCES "site" ("id") ON DELETE SET NULL);
CREATE UNIQUE INDEX "participant_study_id_code" ON "participant" ("study_id", "code");
CREATE TABLE "response" ("id" INTEGER NOT NULL PRIMARY KEY, "participant_id" INTEGER NOT NULL,
  "moment_id" INTEGER NOT NULL, "instrument_id" INTEGER NOT NULL, "assessed_on" DATE NOT NULL,
  "entered_by" VARCHAR(100) NOT NULL, "entered_at" DATETIME NOT NULL,
  FOREIGN KEY ("participant_id") REFERENCES "participant" ("id") ON DELETE CASCADE,
  FOREIGN KEY ("moment_id") REFERENCES "moment" ("id") ON DELETE RESTRICT,
  FOREIGN KEY ("instrument_id") REFERENCES "instrument" ("id") ON DELETE RESTRICT);
CREATE UNIQUE INDEX "response_participant_id_moment_id_instrument_id"
  ON "response" ("participant_id", "moment_id", "instrument_id");
CREATE TABLE "response_value" ("id" INTEGER NOT NULL PRIMARY KEY, "response_id" INTEGER NOT NULL,
  "item" VARCHAR(60) NOT NULL, "value" INTEGER, "missing_reason" VARCHAR(40),
  FOREIGN KEY ("response_id") REFERENCES "response" ("id") ON DELETE CASCADE);
CREATE UNIQUE INDEX "response_value_response_id_item" ON "response_value" ("response_id", "item");
CREATE TABLE "audit_entry" ("id" INTEGER NOT NULL PRIMARY KEY, "table" VARCHAR(60) NOT NULL,
  "record_id" INTEGER NOT NULL, "action" VARCHAR(10) NOT NULL, "field" VARCHAR(60) NOT NULL,
  "old_value" TEXT, "new_value" TEXT, "user" VARCHAR(100) NOT NULL, "at" DATETIME NOT NULL);
"""
PILLARS = ("gezinsstabiliteit", "sociaal_netwerk", "huisvesting", "opleiding", "gezondheid",
           "schulden", "sparen", "inkomen")


def main() -> None:
    target = HERE / "brugmeter-schema-v1.sqlite"
    target.unlink(missing_ok=True)
    definition = (HERE.parent.parent / "resources" / "instruments" / "bridge.json").read_text(
        encoding="utf-8")
    with sqlite3.connect(target) as db:
        db.executescript(DDL)
        db.executescript("""
INSERT INTO schema_version VALUES (1, 1);
INSERT INTO study VALUES (1, 'Pilot v1', 'Hogeschool', 'Alphen aan den Rijn', 'nl',
  '2017-12-01', '2019-05-31', '2018-01-02 09:00:00');
INSERT INTO site VALUES (1, 1, 'Alphen aan den Rijn');
INSERT INTO moment VALUES (1, 1, 'intake', 'Intake', 0, 0), (2, 1, 'm6', '6 maanden', 1, 6),
  (3, 1, 'm12', '12 maanden / laatste contact', 2, 12);
INSERT INTO participant VALUES (1, 1, 'V1-001', 1, 'consented', '2018-01-08', '', '');
INSERT INTO response VALUES (1, 1, 1, 1, '2018-01-15', 'assistent', '2018-01-15 10:00:00');
""")
        db.execute("INSERT INTO instrument VALUES (1, 'bridge', 'bridge', 1, ?)", (definition,))
        db.execute("INSERT INTO study_instrument VALUES (1, 1, 1)")
        db.executemany("INSERT INTO response_value (response_id, item, value) VALUES (1, ?, ?)",
                       [(pillar, 2) for pillar in PILLARS])
    db.close()


if __name__ == "__main__":
    main()
