"""Qt widgets: they lay out, call services and show what comes back; never query the database."""
