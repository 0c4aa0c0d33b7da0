# Pupils' reports are not in the admin: their text is read only through the audited triage pages.
