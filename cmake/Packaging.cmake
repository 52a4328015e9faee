# Debian package (.deb) through CPack: `cpack -G DEB` in a build tree makes
# canhose_<version>_<arch>.deb. docs/packaging.md explains building, cross-building and
# what the maintainer scripts in packaging/debian/ do.
#
# The package is meant for prefix /usr (the unit file names /usr/sbin/canhosed and
# /etc/canhose/canhose.yaml); CPack installs with CPACK_PACKAGING_INSTALL_PREFIX=/usr
# whatever CMAKE_INSTALL_PREFIX is, and the configuration and the unit go to absolute
# Debian paths.

set(CANHOSE_SYSTEMD_UNIT_DIR "/lib/systemd/system" CACHE PATH
    "Where the systemd unit is installed (Debian 12: /lib/systemd/system)")
set(CANHOSE_CONFIG_DIR "/etc/canhose" CACHE PATH "Where canhose.yaml is installed")

install(FILES ${PROJECT_SOURCE_DIR}/conf/canhose.yaml DESTINATION ${CANHOSE_CONFIG_DIR})
install(FILES ${PROJECT_SOURCE_DIR}/systemd/canhose.service
        DESTINATION ${CANHOSE_SYSTEMD_UNIT_DIR})
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/packaging/debian/copyright
              ${PROJECT_SOURCE_DIR}/conf/alerts.example.yaml
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
# The README links docs/<part>.md: keep that layout so the links work in /usr/share/doc.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs
        FILES_MATCHING PATTERN "*.md")

# The Debian architecture of the binaries being built (not of the build machine).
if(CMAKE_LIBRARY_ARCHITECTURE MATCHES "^aarch64-")
  set(canhose_deb_arch arm64)
elseif(CMAKE_LIBRARY_ARCHITECTURE MATCHES "^arm-.*gnueabihf$")
  set(canhose_deb_arch armhf)
elseif(CMAKE_LIBRARY_ARCHITECTURE MATCHES "^x86_64-")
  set(canhose_deb_arch amd64)
elseif(NOT CMAKE_CROSSCOMPILING)
  execute_process(COMMAND dpkg --print-architecture OUTPUT_VARIABLE canhose_deb_arch
                  OUTPUT_STRIP_TRAILING_WHITESPACE)
endif()
if(NOT canhose_deb_arch)
  message(WARNING "No Debian architecture known for '${CMAKE_LIBRARY_ARCHITECTURE}': "
                  "set CPACK_DEBIAN_PACKAGE_ARCHITECTURE to package")
endif()

set(CPACK_PACKAGE_NAME canhose)
set(CPACK_PACKAGE_VENDOR "canhose")
set(CPACK_PACKAGE_CONTACT "canhose maintainers <canhose@example.invalid>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
    "vehicle data gateway: CAN, OBD-II and GPS to Amazon Kinesis Data Firehose")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
# Only the package: no source tarballs, no other generators by accident.
set(CPACK_GENERATOR DEB)
set(CPACK_SOURCE_GENERATOR "")

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # canhose_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_ARCHITECTURE ${canhose_deb_arch})
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE ${PROJECT_HOMEPAGE_URL})
# The extended description (the summary above is the synopsis line); a lone "." is an
# empty line.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "canhosed reads vehicle data from the CAN bus (SocketCAN, OBD-II) and position
from gpsd, turns it into telemetry records, keeps every record in an on-disk
write-ahead queue and delivers the queue to an Amazon Kinesis Data Firehose
delivery stream over HTTPS. canhose is the operator's command-line tool.
.
The service is enabled on installation but only started once
/etc/canhose/canhose.yaml names a delivery stream (delivery.stream).")

# Depends: the shared libraries the binaries link, found by dpkg-shlibdeps, plus what
# canhose needs at run time that no library link shows: the CA store for HTTPS to
# Firehose. dpkg-shlibdeps only knows the system's dpkg database, so for a build against
# a sysroot (armhf, see packaging/install-cross-deps.sh) packaging/cross-build.sh works
# the list out from the sysroot packages' symbols files (packaging/sysroot-shlibdeps.sh)
# after building, and passes it in CANHOSE_SYSROOT_SHLIB_DEPENDS; never empty.
set(canhose_runtime_depends "ca-certificates")
set(CANHOSE_SYSROOT_SHLIB_DEPENDS "" CACHE STRING
    "Library Depends of a sysroot build, from packaging/sysroot-shlibdeps.sh")
if(CMAKE_SYSROOT)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
  if(CANHOSE_SYSROOT_SHLIB_DEPENDS)
    set(CPACK_DEBIAN_PACKAGE_DEPENDS "${CANHOSE_SYSROOT_SHLIB_DEPENDS}, ${canhose_runtime_depends}")
  else()
    # Configured but not yet built by cross-build.sh: a package made now would lack its
    # library dependencies, so make packaging fail loudly instead.
    set(CPACK_DEBIAN_PACKAGE_DEPENDS "")
    set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
    install(CODE "message(FATAL_ERROR \"sysroot build: run packaging/cross-build.sh, which \"
                  \"sets CANHOSE_SYSROOT_SHLIB_DEPENDS, to package it\")")
  endif()
else()
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "${canhose_runtime_depends}")
endif()
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "gpsd")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "can-utils")

# Control files: the conffile list and the maintainer scripts. Scripts keep mode 0755,
# conffiles 0644 (strict permissions, as dpkg-deb expects).
set(canhose_control_dir ${PROJECT_BINARY_DIR}/packaging/debian)
file(MAKE_DIRECTORY ${canhose_control_dir})
file(WRITE ${canhose_control_dir}/conffiles "${CANHOSE_CONFIG_DIR}/canhose.yaml\n")
foreach(script postinst prerm postrm)
  configure_file(${PROJECT_SOURCE_DIR}/packaging/debian/${script}
                 ${canhose_control_dir}/${script} COPYONLY
                 FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ
                                  GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
endforeach()
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${canhose_control_dir}/conffiles ${canhose_control_dir}/postinst
    ${canhose_control_dir}/prerm ${canhose_control_dir}/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

include(CPack)
