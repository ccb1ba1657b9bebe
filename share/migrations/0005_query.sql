-- 0005 the name index behind `credit query --name` (docs/query.md): an FTS5 trigram index over
-- records.subject_name, kept current by triggers, so every writer — import, amend, revoke and
-- whatever later changes a record — maintains it without code of its own.
--
-- Contentless (content = ''): only the index is stored, not a second copy of the names; a query
-- joins its rowids to records.id. Each name is indexed with two U+001F appended, which never
-- occur in a cleaned name: a 1-character name then still has a trigram, and every 1- or
-- 2-character substring begins some trigram, so such short queries are answered from the term
-- list (record_name_terms, a range of sorted terms) rather than by a scan. Queries of 3 or more
-- characters are phrase queries of trigrams.
CREATE VIRTUAL TABLE record_names USING fts5(
  name, content = '', columnsize = 0, detail = full, tokenize = 'trigram');
CREATE VIRTUAL TABLE record_name_terms USING fts5vocab(record_names, 'row');

-- New records are indexed by their writer, in one statement at the end of its batch
-- (service/name_index.hpp, NewRecordNames; records are inserted only by RecordWriter, always
-- inside one): a trigger that writes FTS5 makes every INSERT INTO records open a virtual-table
-- savepoint, at which FTS5 3.40 writes out its pending terms, and on 100,000 rows that cost more
-- than the rest of the import. Changes and deletions are rare and handled by triggers.
-- A contentless index forgets a row only when told the exact text it indexed.
CREATE TRIGGER records_name_update AFTER UPDATE OF subject_name ON records
WHEN old.subject_name IS NOT new.subject_name BEGIN
  INSERT INTO record_names (record_names, rowid, name)
    VALUES ('delete', old.id, old.subject_name || char(31, 31));
  INSERT INTO record_names (rowid, name) VALUES (new.id, new.subject_name || char(31, 31));
END;
CREATE TRIGGER records_name_delete AFTER DELETE ON records BEGIN
  INSERT INTO record_names (record_names, rowid, name)
    VALUES ('delete', old.id, old.subject_name || char(31, 31));
END;

-- The records of a store migrated from schema 4.
INSERT INTO record_names (rowid, name) SELECT id, subject_name || char(31, 31) FROM records;
