"""SEN support plans: assess-plan-do-review cycles, outcomes and reviews (issue 7)."""
