-- 0002 reference data held in the store: policy profiles and working-day calendar years.
-- A store keeps the exact profile it applies (content and digest), so editing a file under share/
-- never changes the rules of an existing store silently; `credit policy set` is the audited way.

CREATE TABLE policy_profiles (
  id        INTEGER PRIMARY KEY,
  name      TEXT NOT NULL,            -- the profile's id, e.g. national-2026
  content   TEXT NOT NULL,            -- the profile file as loaded
  sha256    TEXT NOT NULL,
  source    TEXT NOT NULL,            -- where it was loaded from
  loaded_at TEXT NOT NULL,
  loaded_by TEXT NOT NULL
) STRICT;
-- settings 'policy.active' holds the policy_profiles.id in force.

-- Calendar years loaded by an administrator (a newly published State Council notice); they take
-- precedence over the files in share/calendar.
CREATE TABLE calendar_years (
  year      INTEGER PRIMARY KEY,
  content   TEXT NOT NULL,            -- in the project's calendar format (share/calendar/README.md)
  sha256    TEXT NOT NULL,
  source    TEXT NOT NULL,
  loaded_at TEXT NOT NULL,
  loaded_by TEXT NOT NULL
) STRICT;
