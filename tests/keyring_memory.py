"""An in-memory keyring backend for tests: no test touches the real OS keyring."""


class MemoryKeyring:
    """A keyring backend that keeps passwords in a dict (tests only)."""

    def __new__(cls):
        from keyring.backend import KeyringBackend

        class _Memory(KeyringBackend):
            priority = 1

            def __init__(self):
                super().__init__()
                self.data = {}

            def get_password(self, service, username):
                return self.data.get((service, username))

            def set_password(self, service, username, password):
                self.data[(service, username)] = password

            def delete_password(self, service, username):
                from keyring.errors import PasswordDeleteError

                if (service, username) not in self.data:
                    raise PasswordDeleteError(username)
                del self.data[(service, username)]

        return _Memory()
