"""A station's supplies with expiry dates (first-aid kit, medicines, sun-cream), and the
reminders before they expire (README "Supplies")."""
