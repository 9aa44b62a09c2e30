-- events.sql -- trap events for trap_report/run (the schema of mxkit trap listen); t = 2026-11-26T12:00:00Z = 1795694400000
CREATE TABLE events(id INTEGER PRIMARY KEY, start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL, client TEXT NOT NULL, client_port INTEGER NOT NULL, local TEXT NOT NULL, local_port INTEGER NOT NULL, helo TEXT, mail_from TEXT, rcpt TEXT, rcpt_count INTEGER NOT NULL, end_reason TEXT NOT NULL, commands INTEGER NOT NULL);
-- X05: never seen by a primary, reached RCPT
INSERT INTO events VALUES(1, 1795694400000, 1795694412000, '198.51.100.5', 41000, '203.0.113.90', 25, 'bot.example', 'a@example.net', 'x@example.org
y@example.org', 2, 'tempfail', 6);
-- X06: Postfix saw it 30 s before
INSERT INTO events VALUES(2, 1795694400000, 1795694403000, '203.0.113.44', 41001, '203.0.113.90', 25, 'mx.example.net', NULL, NULL, 0, 'quit', 2);
-- the /24 rule: Exim saw 192.0.2.201 three hours before
INSERT INTO events VALUES(3, 1795694400000, 1795694401000, '192.0.2.200', 41002, '203.0.113.90', 25, 'mail.example.net', NULL, NULL, 0, 'quit', 2);
-- the /64 rule: postscreen saw 2001:db8:5:6::99 an hour before; 2001:db8:5:7::1 is another /64
INSERT INTO events VALUES(4, 1795694400000, 1795694401000, '2001:db8:5:6::1', 41003, '2001:db8::90', 25, 'v6.example.net', NULL, NULL, 0, 'quit', 2);
INSERT INTO events VALUES(5, 1795694400000, 1795694401000, '2001:db8:5:7::1', 41004, '2001:db8::90', 25, NULL, NULL, NULL, 0, 'timeout', 0);
-- IPv4-mapped: OpenSMTPD saw 203.0.113.9 two minutes before
INSERT INTO events VALUES(6, 1795694400000, 1795694401000, '::ffff:203.0.113.9', 41005, '2001:db8::90', 25, 'relay.example.org', NULL, NULL, 0, 'quit', 2);
-- X12: allowlisted (allow.txt)
INSERT INTO events VALUES(7, 1795694400000, 1795694401000, '203.0.113.50', 41006, '203.0.113.90', 25, 'out.example.org', '<>', NULL, 0, 'quit', 3);
-- seen 25 h before only: outside the 24 h window; two connections
INSERT INTO events VALUES(8, 1795690800000, 1795690801000, '198.51.100.66', 41007, '203.0.113.90', 25, 'old.example.net', NULL, NULL, 0, 'quit', 1);
INSERT INTO events VALUES(9, 1795694400000, 1795694401000, '198.51.100.66', 41008, '203.0.113.90', 25, NULL, NULL, NULL, 0, 'quit', 1);
