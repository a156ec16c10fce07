"""The repository's promises about itself: the README's two commands, CI running the test command,
Docker using the one dependency script (the registries' promises are in test_registry.py)."""
import re


def bash_blocks(path):
    return [b.strip() for b in re.findall(r"```bash\n(.*?)```", open(path).read(), re.S)]


def test_readme_has_the_two_setup_commands_and_ci_runs_the_test_command(repo):
    blocks = bash_blocks(f"{repo}/README.md")
    commands = [b for b in blocks if "install-deps.sh" in b]
    assert len(commands) == 2, "README must hold exactly two set-up commands"
    main, tests = commands
    assert "examples/" in main and "ctest" in tests
    ci = [line for line in open(f"{repo}/.ci/run") if line.strip() and not line.startswith(("#", "set ", "cd "))]
    assert [line.strip() for line in ci] == [tests], ".ci/run must run the README's test command and nothing else"


def test_dockerfiles_use_the_dependency_script(repo):
    for name in ("Dockerfile", "Dockerfile.cuda"):
        assert "docker/install-deps.sh" in open(f"{repo}/docker/{name}").read()

