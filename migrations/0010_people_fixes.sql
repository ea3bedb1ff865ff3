-- A group chat speaks its own language (#10.5), not that of whoever typed /link: the
-- deployment's language (LINLI_LANG) when it is first linked, changed by an official of
-- its community with /lang in the group. Groups linked before this were always written
-- to in Chinese, so they keep Chinese.
ALTER TABLE linked_chats ADD COLUMN lang TEXT NOT NULL DEFAULT 'zh-CN' CHECK (lang IN ('zh-CN', 'en'));
