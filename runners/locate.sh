# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
# Sourced by the scripts here right after they cd to the top of their tree
# (having saved the caller's directory in FB_CALLER_DIR): which foliobench
# they run unless $FOLIOBENCH names one.  In a source tree that is
# build/foliobench.  Installed by `cmake --install` (runners, plots and
# reference tables in PREFIX/share/foliobench) it is PREFIX/bin/foliobench,
# and FB_INSTALLED is set: the install tree is no place to write results, so
# relative output paths are taken from where the script was called.
FB_INSTALLED=
FB_DEFAULT_BINARY=build/foliobench
if [ ! -e CMakeLists.txt ] && [ -x ../../bin/foliobench ]; then
	FB_INSTALLED=1
	FB_DEFAULT_BINARY=$(cd ../../bin && pwd)/foliobench
fi

# fb_caller_path PATH: where an output PATH given by the caller goes.
fb_caller_path() {
	if [ -n "$FB_INSTALLED" ] && [ "${1#/}" = "$1" ]; then
		echo "$FB_CALLER_DIR/$1"
	else
		echo "$1"
	fi
}
