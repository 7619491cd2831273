"""Wrong answers and accepted variants for exercise 9.1 (every thread's `counter += 1` made safe with `lock`)."""

EXERCISE = "9.1"
ANSWERS = ("increment",)
WRONG = {
    "no-lock-stub": '''
increment = """
counter += 1
"""
''',
    "lock-around-the-read-only": '''
increment = """
with lock:
    tmp = counter
counter = tmp + 1
"""
''',
    "lock-around-the-write-only": '''
increment = """
tmp = counter + 1
with lock:
    counter = tmp
"""
''',
    "lock-released-between-read-and-write": '''
increment = """
with lock:
    tmp = counter
with lock:
    counter = tmp + 1
"""
''',
    "lock-taken-and-released-before-the-increment": '''
increment = """
with lock:
    pass
counter += 1
"""
''',
    "a-lock-per-thread": '''
increment = """
my_lock = threading.Lock()
with my_lock:
    counter += 1
"""
''',
    "if-lock-locked-test": '''
increment = """
if not lock.locked():
    counter += 1
"""
''',
    "lock-locked-test-then-acquire": '''
increment = """
if not lock.locked():
    lock.acquire()
counter += 1
lock.release()
"""
''',
    "acquire-without-release": '''
increment = """
lock.acquire()
counter += 1
"""
''',
    "lock-taken-twice": '''
increment = """
with lock:
    with lock:
        counter += 1
"""
''',
    "hard-coded-total-for-two-threads": '''
increment = """
with lock:
    counter = 2
"""
''',
    "increments-twice": '''
increment = """
with lock:
    counter += 1
    counter += 1
"""
''',
    "release-inside-with": '''
increment = """
with lock:
    counter += 1
    lock.release()
"""
''',
    "not-a-string": """
def increment():
    with threading.Lock():
        pass
""",
}
RIGHT = {
    "reference": '''
increment = """
with lock:
    counter += 1
"""
''',
    "explicit-acquire-and-release": '''
increment = """
lock.acquire()
counter += 1
lock.release()
"""
''',
    "read-add-write-through-a-local": '''
increment = """
with lock:
    tmp = counter
    tmp = tmp + 1
    counter = tmp
"""
''',
    "counter-equals-counter-plus-one": '''
increment = """
    with lock:
        counter = counter + 1
"""
''',
}
