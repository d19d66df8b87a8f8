"""Host calendars (CalDAV and ICS feeds): their busy times hide slots (issue 11, in progress).

``parse`` turns a calendar's iCalendar text into busy intervals; it knows no Django, so
it is tested like ``scheduling``.
"""
