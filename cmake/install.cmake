# What `cmake --install` (and the Debian package) puts where. Configure with
# -DCMAKE_INSTALL_PREFIX=/usr for a system install: the units call /usr/bin/credit, the
# configuration goes to /etc/credit and the units to /lib/systemd/system (Debian 12's path).
include(GNUInstallDirs)

set(CREDIT_SYSTEMD_UNIT_DIR "" CACHE PATH
    "where the systemd units go (empty: /lib/systemd/system for the prefix /usr, else PREFIX/lib/systemd/system)")
if(CREDIT_SYSTEMD_UNIT_DIR)
  set(_credit_unit_dir ${CREDIT_SYSTEMD_UNIT_DIR})
elseif(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(_credit_unit_dir /lib/systemd/system)
else()
  set(_credit_unit_dir ${CMAKE_INSTALL_PREFIX}/lib/systemd/system)
endif()

install(TARGETS credit RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
# lib/credit, not the multiarch libdir: the binary looks for its plugin at ../lib/credit.
install(TARGETS credit-net LIBRARY DESTINATION lib/credit)
# Data the binary finds next to itself (../share/credit); the units and cron file are installed
# below, rewritten for this prefix.
install(DIRECTORY share/ DESTINATION ${CMAKE_INSTALL_DATADIR}/credit PATTERN systemd EXCLUDE)

install(DIRECTORY man/ DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 FILES_MATCHING PATTERN "*.1")
if(EXISTS ${PROJECT_SOURCE_DIR}/man/zh_CN)
  install(DIRECTORY man/zh_CN/ DESTINATION ${CMAKE_INSTALL_MANDIR}/zh_CN/man1
          FILES_MATCHING PATTERN "*.1")
endif()
# Debian policy: man pages compressed with gzip -9n (no timestamp, so the package is reproducible).
install(CODE "
  file(GLOB_RECURSE _pages \"\$ENV{DESTDIR}${CMAKE_INSTALL_FULL_MANDIR}/*.1\")
  foreach(_page IN LISTS _pages)
    execute_process(COMMAND gzip -9nf \${_page} COMMAND_ERROR_IS_FATAL ANY)
  endforeach()")

install(FILES completions/credit.bash DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions
        RENAME credit)
install(FILES completions/_credit DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions)
install(FILES completions/credit.fish DESTINATION ${CMAKE_INSTALL_DATADIR}/fish/vendor_completions.d)

# The units name /usr/bin/credit; an install elsewhere gets its own binary's path.
file(GLOB _credit_units ${PROJECT_SOURCE_DIR}/share/systemd/*)
foreach(_unit IN LISTS _credit_units)
  get_filename_component(_name ${_unit} NAME)
  file(READ ${_unit} _text)
  string(REPLACE "/usr/bin/credit" "${CMAKE_INSTALL_FULL_BINDIR}/credit" _text "${_text}")
  file(WRITE ${PROJECT_BINARY_DIR}/systemd/${_name} "${_text}")
  install(FILES ${PROJECT_BINARY_DIR}/systemd/${_name} DESTINATION ${_credit_unit_dir})
endforeach()
install(FILES packaging/sysusers.conf DESTINATION ${CMAKE_INSTALL_PREFIX}/lib/sysusers.d
        RENAME credit.conf)
install(FILES packaging/tmpfiles.conf DESTINATION ${CMAKE_INSTALL_PREFIX}/lib/tmpfiles.d
        RENAME credit.conf)
install(FILES packaging/credit.toml DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR}/credit)
