"""Rules as code: eligibility of every benefit as readable, dated, executable rules.

Pure: a situation and a date in, a status, amount and explanation out. No database, no web.
"""
