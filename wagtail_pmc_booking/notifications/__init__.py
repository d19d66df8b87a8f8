"""What attendees and hosts are told about their bookings: emails and calendar invites."""
