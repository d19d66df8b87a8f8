"""Host calendars listen to committed booking changes (write-back; being implemented)."""
