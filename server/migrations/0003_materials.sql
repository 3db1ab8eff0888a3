-- The materials library (issue 15): quick replies with groups, and images,
-- videos, files, links and mini-program cards that an admin fills
-- (POST /api/admin/materials) and staff send from the composer
-- (GET /api/materials). Same dialect rules as 0001: only TEXT and BIGINT,
-- times in unix seconds, so SQLite and PostgreSQL run the same file.

CREATE TABLE materials (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,                -- text | image | video | file | link | miniprogram
    scope TEXT NOT NULL,               -- all | single | group
    group_name TEXT NOT NULL,          -- the quick-reply group, '' = none
    content TEXT NOT NULL,             -- the material as the core reads it (JSON), without its media id
    sort_key BIGINT NOT NULL,          -- unix ms of creation: the list's order
    created_by TEXT NOT NULL,          -- the admin's userid
    created_at BIGINT NOT NULL,
    media_id TEXT,                     -- WeCom's temporary media id (media kinds; valid 3 days)
    media_uploaded_at BIGINT           -- when that id was issued; re-uploaded after 2.5 days
);
CREATE INDEX materials_order ON materials (sort_key);

-- The bytes of a media material (base64), kept so that the server can upload
-- them again before the media id expires.
CREATE TABLE material_files (
    material_id TEXT PRIMARY KEY,
    data TEXT NOT NULL
);
