"""The daily briefing: an opt-in email with Top stories, Our Picks and For you, sent at the reader's hour."""
