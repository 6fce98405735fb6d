"""`manage.py server ...`: start, stop, restart and watch the server."""

from __future__ import annotations

from app.cli.bootstrap import load_config
from app.cli.errors import verb
from app.cli.status import server_line
from app.i18n import _
from app.services import server_control


class ServerCommands:
    """Start, stop, restart the server, or show whether it runs."""

    @verb
    def start(self, background: bool = False, host: str | None = None, port: int | None = None) -> None:
        """Start the server (in this terminal, or detached with --background) on --host/--port or config.env's."""
        settings = load_config()
        if not background:
            host, port = server_control.check_startable(settings, host, port)  # refuses before announcing
            print(_('Starting the server in the foreground; Ctrl+C stops it.'), flush=True)
            server_control.start_foreground(settings, host=host, port=port)
            return
        state = server_control.start_background(settings, host=host, port=port)
        print(_('Server started in the background (pid {pid}) at {address}.', pid=state.pid, address=state.address))

    @verb
    def stop(self, timeout: float = server_control.STOP_TIMEOUT) -> None:
        """Stop the server: SIGTERM, then SIGKILL if it has not stopped after --timeout seconds."""
        settings = load_config()
        result = server_control.stop(settings, timeout=float(timeout))
        if result is None:
            print(_('The server is not running.'))
        elif result.killed:
            print(
                _(
                    'Server (pid {pid}) did not stop within {seconds} s and was killed.',
                    pid=result.pid,
                    seconds=f'{float(timeout):g}',
                )
            )
        else:
            print(_('Server (pid {pid}) stopped.', pid=result.pid))

    @verb
    def restart(self, host: str | None = None, port: int | None = None) -> None:
        """Stop the server if it runs, then start it in the background."""
        settings = load_config()
        stopped, state = server_control.restart(settings, host=host, port=port)
        if stopped:
            print(
                _(
                    'Server restarted (stopped pid {old}, now pid {pid}) at {address}.',
                    old=stopped.pid,
                    pid=state.pid,
                    address=state.address,
                )
            )
        else:
            print(_('Server restarted (now pid {pid}) at {address}.', pid=state.pid, address=state.address))

    @verb
    def status(self) -> None:
        """Whether the server runs, with its pid, uptime, memory, CPU and address."""
        settings = load_config()
        state = server_control.server_status(settings)
        if state.stale_pid:
            print(_('Removed a stale pidfile: the server had stopped without cleaning up.'))
        print(_('Server: {state}', state=server_line(state)))
