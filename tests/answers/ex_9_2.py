"""Wrong answers and accepted variants for exercise 9.2 (T2 moves 1 from b to a without deadlocking with T1)."""

EXERCISE = "9.2"
ANSWERS = ("second",)
WRONG = {
    "opposite-order-kept-stub": '''
second = """
with lock_b:
    with lock_a:
        b -= 1
        a += 1
"""
''',
    "opposite-order-with-acquire-release": '''
second = """
lock_b.acquire()
lock_a.acquire()
b -= 1
a += 1
lock_a.release()
lock_b.release()
"""
''',
    "one-lock-at-a-time": '''
second = """
with lock_b:
    b -= 1
with lock_a:
    a += 1
"""
''',
    "only-lock-a": '''
second = """
with lock_a:
    b -= 1
    a += 1
"""
''',
    "only-lock-b": '''
second = """
with lock_b:
    b -= 1
    a += 1
"""
''',
    "releases-both-between-the-two-changes": '''
second = """
with lock_a:
    with lock_b:
        b -= 1
with lock_a:
    with lock_b:
        a += 1
"""
''',
    "both-locks-for-b-then-only-lock-a": '''
second = """
with lock_a:
    with lock_b:
        b -= 1
with lock_a:
    a += 1
"""
''',
    "hand-over-hand-in-the-wrong-order": '''
second = """
lock_b.acquire()
b -= 1
lock_a.acquire()
lock_b.release()
a += 1
lock_a.release()
"""
''',
    "no-locks": '''
second = """
b -= 1
a += 1
"""
''',
    "locks-taken-but-changes-outside": '''
second = """
with lock_a:
    with lock_b:
        pass
b -= 1
a += 1
"""
''',
    "hard-coded-balances": '''
second = """
with lock_a:
    with lock_b:
        a = 10
        b = 10
"""
''',
    "lock-a-taken-twice": '''
second = """
with lock_a:
    with lock_a:
        b -= 1
        a += 1
"""
''',
    "moves-the-wrong-way": '''
second = """
with lock_a:
    with lock_b:
        a -= 1
        b += 1
"""
''',
}
RIGHT = {
    "reference": '''
second = """
with lock_a:
    with lock_b:
        b -= 1
        a += 1
"""
''',
    "one-with-two-locks": '''
second = """
with lock_a, lock_b:
    a += 1
    b -= 1
"""
''',
    "acquire-release-in-the-same-order": '''
second = """
lock_a.acquire()
lock_b.acquire()
b -= 1
a += 1
lock_a.release()
lock_b.release()
"""
''',
    "lets-go-of-lock-b-once-b-is-done": '''
second = """
lock_a.acquire()
lock_b.acquire()
b -= 1
lock_b.release()
a += 1
lock_a.release()
"""
''',
    "hand-over-hand-in-t1s-order": '''
second = """
lock_a.acquire()
a += 1
lock_b.acquire()
lock_a.release()
b -= 1
lock_b.release()
"""
''',
}
