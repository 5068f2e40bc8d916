"""Every change to EHC work: one transaction, row locks where two people may collide, then
the audit entries. One module per part, each used by views, commands and the demo alike:
`requests` (needs assessment requests), `plans` (EHC plans and their versions), `reviews`
(annual reviews) and `consultations` (LA consultations)."""
