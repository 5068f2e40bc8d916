"""The REST API (docs/api.md): tokens bound to a user and a school, and the pupils, SEN status
and needs, contacts and assessment results they reach through senco/access.py."""
