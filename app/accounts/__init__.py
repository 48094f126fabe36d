"""Who acts: staff accounts and workers, their tokens, the actor and its scope, and the audit log."""
