# Link libsqlite3, libyaml, ncursesw and tinfo from the static archives their
# Debian -dev packages ship (libsqlite3.a, libyaml.a, libncursesw.a,
# libtinfo.a) instead of their shared objects, when POISE_STATIC_LIBS is on
# and the archive is there; otherwise, one library at a time, the shared one
# as pkg-config says. libc, libm and libdl stay shared (glibc is not meant to
# be linked statically, and team_pq.c dlopens libpq).
#
# Why (docs/architecture.md, "Linking"; docs/benchmarks.md, "Start-up and
# memory, session 7"): `poise call` then starts without ld.so loading and
# relocating three more libraries, and keeps resident only the pages of them
# it touches. The cost: a security update of one of them reaches poise only
# when poise is rebuilt.
#
# poise_link_pkg(TARGET PREFIX LIB...) makes TARGET an INTERFACE library
# that links what pkg-config module PREFIX (pkg_check_modules' prefix) needs;
# LIB... are the libraries of it that may come from an archive. Everything in
# the build links the one target, so a program never holds two copies of
# SQLite (two copies in one process would not see each other's POSIX locks).
function(poise_link_pkg target prefix)
	add_library(${target} INTERFACE)
	target_include_directories(${target} INTERFACE ${${prefix}_INCLUDE_DIRS})
	target_compile_options(${target} INTERFACE ${${prefix}_CFLAGS_OTHER})
	set(libs "")
	set(static "")
	if(POISE_STATIC_LIBS)
		foreach(lib ${${prefix}_STATIC_LIBRARIES})
			set(archive "")
			if(lib IN_LIST ARGN)
				find_library(POISE_ARCHIVE_${lib} NAMES lib${lib}.a
					HINTS ${${prefix}_STATIC_LIBRARY_DIRS} ${${prefix}_LIBRARY_DIRS})
				if(POISE_ARCHIVE_${lib})
					set(archive "${POISE_ARCHIVE_${lib}}")
				endif()
			endif()
			if(archive)
				list(APPEND libs "${archive}")
				list(APPEND static ${lib})
			elseif(lib IN_LIST ARGN OR NOT lib STREQUAL "z")
				# z: only for SQLite's optional zlib extensions, which
				# Debian's archive does not reference.
				list(APPEND libs ${lib})
			endif()
		endforeach()
		if(static)
			message(STATUS "poise: ${prefix} from static archives: ${static}")
		endif()
	endif()
	if(NOT static)
		target_link_libraries(${target} INTERFACE PkgConfig::${prefix})
	else()
		target_link_directories(${target} INTERFACE ${${prefix}_LIBRARY_DIRS})
		target_link_libraries(${target} INTERFACE ${libs})
	endif()
endfunction()
