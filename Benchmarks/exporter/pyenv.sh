# Sourced by speed.sh and ab.sh: pyenv_python V prints the newest pyenv
# Python V.x's interpreter (3.1 never matches 3.10), or nothing.
PYROOT=$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")
pyenv_python() {
    _py=""
    for _d in $(ls -d "$PYROOT"/versions/"$1".* 2>/dev/null | sort -t. -k3 -n); do
        case "$(basename "$_d")" in "$1".[0-9]*) [ -x "$_d/bin/python" ] && _py="$_d/bin/python" ;; esac
    done
    echo "$_py"
}
