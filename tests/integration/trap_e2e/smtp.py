#!/usr/bin/python3
# smtp.py -- SMTP clients for the trap_e2e test (run inside a namespace)
#
#   smtp.py inject HOST SUBJECT RCPT   submit one message to HOST:25
#                                      (the sender's Postfix); prints "sent"
#   smtp.py probe HOST RCPT            EHLO, MAIL, RCPT, QUIT as a bot would;
#                                      prints "greet C", "ehlo C", "mail C",
#                                      "rcpt C TEXT", one a line
#   smtp.py closed HOST                exit 0 when nothing listens on HOST:25
import smtplib
import socket
import sys


def inject(host, subject, rcpt):
    msg = ("From: sender@sender.example.net\r\nTo: %s\r\nSubject: %s\r\n"
           "Message-ID: <%s@sender.example.net>\r\n\r\n%s\r\n"
           % (rcpt, subject, subject, subject))
    s = smtplib.SMTP(host, 25, local_hostname="client.sender.example.net",
                     timeout=20)
    s.sendmail("sender@sender.example.net", [rcpt], msg)
    s.quit()
    print("sent")


def probe(host, rcpt):
    s = smtplib.SMTP(timeout=20)
    code, _ = s.connect(host, 25)
    print("greet", code)
    code, _ = s.ehlo("bot.spammer.example")
    print("ehlo", code)
    code, _ = s.mail("bot@spammer.example")
    print("mail", code)
    code, text = s.rcpt(rcpt)
    print("rcpt", code, text.decode("ascii", "replace").replace("\n", " "))
    try:
        s.quit()
    except (smtplib.SMTPException, OSError):
        pass


def closed(host):
    try:
        socket.create_connection((host, 25), timeout=2).close()
    except OSError:
        sys.exit(0)
    sys.exit(1)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "inject":
        inject(*sys.argv[2:5])
    elif cmd == "probe":
        probe(*sys.argv[2:4])
    elif cmd == "closed":
        closed(sys.argv[2])
    else:
        sys.exit("usage: smtp.py inject|probe|closed ...")
