"""Pure building blocks of the devices domain: no app, no database."""
