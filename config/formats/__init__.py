"""Date formats per language (FORMAT_MODULE_PATH), read before Django's own.

One unambiguous form per language, on every page, notice and PDF: day first with
a 24-hour clock in kk, ru and uk (01.12.2026 11:30); the month by name in en
(1 Dec 2026, 11:30). Django ships no Kazakh formats, so kk fell back to the US
"12/01/2026 11:30 Т.Ж.", which reads as 12 January. Long and short names give
the same result so a template cannot pick the wrong one.
"""
