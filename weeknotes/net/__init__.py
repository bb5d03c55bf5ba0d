"""The network, for the commands that go online (`fetch`, `send`): HTTP fetching with limits,
reading members' feeds, and SMTP. No build imports this room."""
