"""The audit trail: every change to an amount or a decision, whichever app makes it (dossiers, instruction, funding)."""
