-- English names for buildings and checkpoints (#10.5). NULL: the place has no English
-- name and is shown as written. The import fills "N号楼" as "Building N" on its own.
ALTER TABLE buildings ADD COLUMN name_en TEXT;
ALTER TABLE checkpoints ADD COLUMN name_en TEXT;
