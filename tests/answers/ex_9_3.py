"""Wrong answers and accepted variants for exercise 9.3 (a consumer that never pops from an empty buffer)."""

EXERCISE = "9.3"
ANSWERS = ("consumer",)
WRONG = {
    "if-for-while-stub": '''
consumer = """
with cond:
    if not buffer:
        cond.wait()
    buffer.pop()
"""
''',
    "two-ifs": '''
consumer = """
with cond:
    if not buffer:
        cond.wait()
    if not buffer:
        cond.wait()
    buffer.pop()
"""
''',
    "three-ifs": '''
consumer = """
with cond:
    if not buffer:
        cond.wait()
    if not buffer:
        cond.wait()
    if not buffer:
        cond.wait()
    buffer.pop()
"""
''',
    "passes-the-wake-up-on-with-notify": '''
consumer = """
with cond:
    if not buffer:
        cond.wait()
    if not buffer:
        cond.notify()
        cond.wait()
    buffer.pop()
"""
''',
    "waits-at-most-three-times": '''
consumer = """
with cond:
    tries = 0
    while tries < 3:
        if not buffer:
            cond.wait()
        tries = tries + 1
    buffer.pop()
"""
''',
    "wait-outside-the-lock": '''
consumer = """
while not buffer:
    cond.wait()
with cond:
    buffer.pop()
"""
''',
    "test-outside-the-lock": '''
consumer = """
while not buffer:
    with cond:
        cond.wait()
with cond:
    buffer.pop()
"""
''',
    "pop-after-leaving-the-lock": '''
consumer = """
with cond:
    while not buffer:
        cond.wait()
buffer.pop()
"""
''',
    "gives-up-when-woken-to-an-empty-buffer": '''
consumer = """
with cond:
    if not buffer:
        cond.wait()
    if buffer:
        buffer.pop()
"""
''',
    "waits-without-testing": '''
consumer = """
with cond:
    cond.wait()
    buffer.pop()
"""
''',
    "spins-holding-the-lock": '''
consumer = """
with cond:
    while not buffer:
        pass
    buffer.pop()
"""
''',
    "spins-without-the-lock": '''
consumer = """
while not buffer:
    pass
with cond:
    buffer.pop()
"""
''',
    "compares-the-list-with-zero": '''
consumer = """
with cond:
    while buffer == 0:
        cond.wait()
    buffer.pop()
"""
''',
    "two-with-blocks": '''
consumer = """
with cond:
    while not buffer:
        cond.wait()
with cond:
    buffer.pop()
"""
''',
    "pops-twice": '''
consumer = """
with cond:
    while not buffer:
        cond.wait()
    buffer.pop()
    buffer.pop()
"""
''',
}
RIGHT = {
    "reference": '''
consumer = """
with cond:
    while not buffer:
        cond.wait()
    buffer.pop()
"""
''',
    "while-len-equals-zero": '''
consumer = """
with cond:
    while len(buffer) == 0:
        cond.wait()
    buffer.pop()
"""
''',
    "wait-for": '''
consumer = """
with cond:
    cond.wait_for(lambda: buffer)
    buffer.pop()
"""
''',
    "explicit-acquire-release-and-len-test": '''
consumer = """
cond.acquire()
while len(buffer) < 1:
    cond.wait()
buffer.pop()
cond.release()
"""
''',
    "if-then-while-and-notify-after": '''
consumer = """
with cond:
    if not buffer:
        while not buffer:
            cond.wait()
    buffer.pop()
    cond.notify()
"""
''',
}
