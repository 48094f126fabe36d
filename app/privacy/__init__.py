"""Privacy and data rights (PIPL, WeChat's platform rules): the privacy notice and consents, a
worker's export, account closing, WeChat's authorisation pushes and retention. README "Privacy"."""
