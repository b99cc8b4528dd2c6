"""Security helpers shared by the apps (antivirus scanning of uploads)."""
