# Build the Debian package from a copy of the source tree (sourced by
# tests/project/test_deb.sh and tests/e2e/lib.sh; no output, no test lines).
#
#   naccs_deb_build SRC WORK     copies SRC (tracked and new files of a
#                                checkout, else everything but build
#                                directories) to WORK/src and runs
#                                dpkg-buildpackage -us -uc -b there (log:
#                                WORK/build.log); the .deb lands in WORK.
#                                Returns dpkg-buildpackage's exit code
#                                (1 when the copy failed).
#   naccs_deb_find WORK          prints the naccs-auth_*.deb in WORK
#                                (nothing, exit 1, when there is none).
#   naccs_deb_keep WORK DIR      copies the .deb and .changes of WORK to DIR
#                                (the build directory's deb/, where the e2e
#                                suite looks first), replacing older ones.
#
# The package is always built from a copy: nothing is written beside the
# tree (dpkg-buildpackage puts its output in the parent directory).

naccs_deb_build() {
	local src=$1 work=$2
	mkdir -p "$work/src" || return 1
	if git -C "$src" rev-parse --git-dir >/dev/null 2>&1; then
		(cd "$src" && git ls-files -co --exclude-standard -z |
			tar -cf - --no-recursion --null -T -) | tar -C "$work/src" -xf - || return 1
	else
		tar -C "$src" --exclude=.git --exclude='./_build*' --exclude=autom4te.cache \
			--exclude='./naccs-auth-*' -cf - . | tar -C "$work/src" -xf - || return 1
	fi
	[ -f "$work/src/debian/control" ] || return 1
	# Two jobs (the machines this runs on have two cores) unless the
	# caller's DEB_BUILD_OPTIONS say otherwise.
	(cd "$work/src" && DEB_BUILD_OPTIONS=${DEB_BUILD_OPTIONS:-parallel=2} \
		dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1
}

naccs_deb_find() {
	local deb
	deb=$(ls "$1"/naccs-auth_*_*.deb 2>/dev/null | head -1)
	[ -n "$deb" ] || return 1
	printf '%s\n' "$deb"
}

naccs_deb_keep() {
	local work=$1 dir=$2
	mkdir -p "$dir" || return 1
	rm -f "$dir"/naccs-auth_*.deb "$dir"/naccs-auth_*.changes "$dir"/naccs-auth_*.buildinfo
	cp -p "$work"/naccs-auth_*_*.deb "$dir"/ || return 1
	cp -p "$work"/naccs-auth_*.changes "$work"/naccs-auth_*.buildinfo "$dir"/ 2>/dev/null
	return 0
}
