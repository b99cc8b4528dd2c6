"""Operations on a running platform (backups), kept out of the business apps."""
