"""Wrong answers and accepted variants for exercise 10.1 (a test that catches the ticket office's race every run)."""

EXERCISE = "10.1"
ANSWERS = ("test_ticket_office",)
WRONG = {
    "naive-no-window-no-barrier": """
def test_ticket_office(make_office):
    issued = []
    office = make_office(1, issued.append)
    threads = [threading.Thread(target=office.sell, args=(buyer,)) for buyer in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=5)
    assert len(issued) == 1, f"{len(issued)} tickets issued for 1 seat"
""",
    "barrier-but-no-window": """
def test_ticket_office(make_office):
    issued = []
    office = make_office(1, issued.append)
    start = threading.Barrier(4, timeout=2)

    def buy(buyer):
        start.wait()
        office.sell(buyer)

    threads = [threading.Thread(target=buy, args=(buyer,)) for buyer in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2)
    assert len(issued) == 1, f"{len(issued)} tickets issued for 1 seat"
""",
    "no-assertion": """
def test_ticket_office(make_office):
    issued = []

    def issue(buyer):
        time.sleep(0.001)
        issued.append(buyer)

    office = make_office(1, issue)
    start = threading.Barrier(4, timeout=2)

    def buy(buyer):
        start.wait()
        office.sell(buyer)

    threads = [threading.Thread(target=buy, args=(buyer,)) for buyer in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2)
    tickets = len(issued)  # looked at, never checked
""",
    "asserts-on-a-copy-made-too-early": """
def test_ticket_office(make_office):
    issued = []

    def issue(buyer):
        time.sleep(0.001)
        issued.append(buyer)

    office = make_office(1, issue)
    start = threading.Barrier(4, timeout=2)

    def buy(buyer):
        start.wait()
        office.sell(buyer)

    threads = [threading.Thread(target=buy, args=(buyer,)) for buyer in range(4)]
    for thread in threads:
        thread.start()
    tickets = list(issued)  # copied before the buyers are done
    for thread in threads:
        thread.join(timeout=2)
    assert len(tickets) <= 1
""",
    "asserts-a-wrong-number": """
def test_ticket_office(make_office):
    issued = []

    def issue(buyer):
        time.sleep(0.001)
        issued.append(buyer)

    office = make_office(1, issue)
    start = threading.Barrier(4, timeout=2)

    def buy(buyer):
        start.wait()
        office.sell(buyer)

    threads = [threading.Thread(target=buy, args=(buyer,)) for buyer in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2)
    assert len(issued) == 4, "every buyer should get a ticket"
""",
    "raises-a-name-error": """
def test_ticket_office(make_office):
    issued = []

    def issue(buyer):
        time.sleep(0.001)
        issued.append(buyer)

    office = make_office(1, issue)
    start = threading.Barrier(4, timeout=2)

    def buy(buyer):
        start.wait()
        office.sell(buyer)

    threads = [threading.Thread(target=buy, args=(buyer,)) for buyer in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2)
    assert len(isued) == 1
""",
    "raises-system-exit": """
import sys

def test_ticket_office(make_office):
    issued = []
    office = make_office(1, issued.append)
    office.sell("me")
    sys.exit("done testing")
""",
    "hangs-on-a-barrier-with-one-party-too-many": """
def test_ticket_office(make_office):
    issued = []

    def issue(buyer):
        time.sleep(0.001)
        issued.append(buyer)

    office = make_office(1, issue)
    start = threading.Barrier(5)  # 4 buyers: nobody ever gets through

    def buy(buyer):
        start.wait()
        office.sell(buyer)

    threads = [threading.Thread(target=buy, args=(buyer,)) for buyer in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(issued) == 1
""",
    "window-that-waits-for-a-second-buyer-for-ever": """
def test_ticket_office(make_office):
    issued = []
    second = threading.Event()

    def issue(buyer):
        if issued:
            second.set()
        issued.append(buyer)
        second.wait()  # hold the window open until another buyer gets here: never, if the office is right

    office = make_office(1, issue)
    threads = [threading.Thread(target=office.sell, args=(buyer,)) for buyer in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(issued) == 1
""",
    "sleeps-instead-of-joining": """
def test_ticket_office(make_office):
    issued = []

    def issue(buyer):
        time.sleep(0.001)
        issued.append(buyer)

    office = make_office(1, issue)
    for buyer in range(4):
        threading.Thread(target=office.sell, args=(buyer,)).start()
    time.sleep(0.1)  # "long enough" for four buyers
    assert len(issued) == 1, f"{len(issued)} tickets issued for 1 seat"
""",
    "asserts-inside-the-threads": """
def test_ticket_office(make_office):
    issued = []

    def issue(buyer):
        time.sleep(0.001)
        issued.append(buyer)

    office = make_office(1, issue)
    start = threading.Barrier(4, timeout=2)

    def buy(buyer):
        start.wait()
        office.sell(buyer)
        assert len(issued) <= 1, "oversold"

    threads = [threading.Thread(target=buy, args=(buyer,)) for buyer in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2)
""",
    "inspects-the-source": """
import inspect

def test_ticket_office(make_office):
    office = make_office(1, print)
    source = inspect.getsource(type(office))
    assert "available = self.sold < self.seats" not in source, "the check and the count are split"
""",
    "checks-the-type-name": """
def test_ticket_office(make_office):
    office = make_office(1, print)
    assert "Racy" not in type(office).__name__
    assert hasattr(office, "_lock")
""",
    "starts-and-joins-buyers-one-at-a-time": """
def test_ticket_office(make_office):
    issued = []

    def issue(buyer):
        time.sleep(0.001)
        issued.append(buyer)

    office = make_office(1, issue)
    for buyer in range(4):
        thread = threading.Thread(target=office.sell, args=(buyer,))
        thread.start()
        thread.join(timeout=2)
    assert len(issued) == 1
""",
    "calls-sell-from-one-thread": """
def test_ticket_office(make_office):
    issued = []

    def issue(buyer):
        time.sleep(0.001)
        issued.append(buyer)

    office = make_office(1, issue)
    for buyer in range(4):
        office.sell(buyer)
    assert len(issued) == 1
""",
    "leaves-the-switch-interval-changed": """
import sys

def test_ticket_office(make_office):
    sys.setswitchinterval(1e-6)
    for _ in range(200):
        issued = []
        office = make_office(1, issued.append)
        start = threading.Barrier(4, timeout=2)

        def buy(buyer):
            start.wait()
            office.sell(buyer)

        threads = [threading.Thread(target=buy, args=(buyer,)) for buyer in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=2)
        assert len(issued) == 1, f"{len(issued)} tickets issued for 1 seat"
""",
    "retries-until-the-race-shows": """
def test_ticket_office(make_office):
    while True:  # against a correct office the race never shows, so this never ends
        issued = []

        def issue(buyer):
            time.sleep(0.001)
            issued.append(buyer)

        office = make_office(1, issue)
        threads = [threading.Thread(target=office.sell, args=(buyer,)) for buyer in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=2)
        assert len(issued) == 1, f"{len(issued)} tickets issued for 1 seat"
""",
}
RIGHT = {
    "reference": """
def test_ticket_office(make_office):
    for _ in range(3):  # a few rounds: one slow thread start cannot spoil them all
        buy_the_last_seat(make_office)


def buy_the_last_seat(make_office, buyers=4):
    issued = []

    def issue(buyer):
        time.sleep(0.001)  # the forced window between the check for a seat and the count
        issued.append(buyer)

    office = make_office(1, issue)  # one seat
    start = threading.Barrier(buyers, timeout=2)

    def buy(buyer):
        start.wait()  # all buyers call sell() at the same moment
        office.sell(buyer)

    threads = [threading.Thread(target=buy, args=(buyer,)) for buyer in range(buyers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2)
    assert not any(thread.is_alive() for thread in threads), "a buyer did not finish"
    assert len(issued) == 1, f"{len(issued)} tickets issued for 1 seat"
""",
    "event-window-with-a-timeout": """
def test_ticket_office(make_office):
    issued = []
    second = threading.Event()

    def issue(buyer):
        if issued:
            second.set()
        issued.append(buyer)
        second.wait(timeout=0.2)  # hold the window open until a second buyer gets here, or 0.2 s

    office = make_office(1, issue)
    threads = [threading.Thread(target=office.sell, args=(buyer,)) for buyer in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=2)
    assert not any(thread.is_alive() for thread in threads)
    assert len(issued) == 1, f"{len(issued)} tickets issued for 1 seat"
""",
    "thread-pool-and-return-values": """
from concurrent.futures import ThreadPoolExecutor

def test_ticket_office(make_office):
    for _ in range(3):
        def issue(buyer):
            time.sleep(0.002)

        office = make_office(2, issue)  # two seats, eight buyers
        start = threading.Barrier(8, timeout=2)

        def buy(buyer):
            start.wait()
            return office.sell(buyer)

        with ThreadPoolExecutor(max_workers=8) as pool:
            sold = list(pool.map(buy, range(8), timeout=2))
        assert sold.count(True) == 2, f"{sold.count(True)} sales for 2 seats"
        assert office.sold == 2
""",
    "many-slow-rounds": """
def test_ticket_office(make_office):
    for _ in range(60):  # about 2.5 s against a correct office: slow, but never stuck
        issued = []

        def issue(buyer):
            time.sleep(0.04)  # a wide window: every buyer is past the check before the first sale counts
            issued.append(buyer)

        office = make_office(1, issue)
        start = threading.Barrier(3, timeout=2)

        def buy(buyer):
            start.wait()
            office.sell(buyer)

        threads = [threading.Thread(target=buy, args=(buyer,)) for buyer in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=2)
        assert len(issued) == 1, f"{len(issued)} tickets issued for 1 seat"
""",
}
