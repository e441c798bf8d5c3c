"""An example agency website that signs citizens in with Nara's single sign-on (OpenID Connect).

A second relying party, separate from Nara itself: it shows that one login works across government
sites. See ``README.md`` in this folder.
"""
