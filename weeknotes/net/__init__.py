"""The network, for the commands that go online (`fetch`, `links`, `send`): HTTP fetching with limits,
reading members' feeds, asking curated addresses politely, and SMTP. No build imports this room."""
