"""The network, for the commands that go online (`fetch`, `send`, `ping`): HTTP fetching with
limits, reading members' feeds, SMTP, and the WebSub ping. No build imports this room."""
