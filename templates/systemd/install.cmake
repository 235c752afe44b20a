# Runs at install time (`cmake --install`, cpack), when CMAKE_INSTALL_PREFIX
# is the prefix chosen then. Installs the sample config (/etc/cutover for
# prefix /usr, as GNUInstallDirs does; else PREFIX/etc/cutover) and the
# systemd unit, written for those paths. file(INSTALL) adds DESTDIR itself.
# CUTOVER_SOURCE_DIR, CUTOVER_BINARY_DIR and CUTOVER_SBINDIR come from the
# top CMakeLists.txt.
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(CUTOVER_ETC /etc)
else()
  set(CUTOVER_ETC ${CMAKE_INSTALL_PREFIX}/etc)
endif()
set(CUTOVER_SBIN ${CMAKE_INSTALL_PREFIX}/${CUTOVER_SBINDIR})

configure_file(${CUTOVER_SOURCE_DIR}/templates/systemd/cutoverd.service.in
               ${CUTOVER_BINARY_DIR}/cutoverd.service @ONLY)
file(INSTALL ${CUTOVER_BINARY_DIR}/cutoverd.service
     DESTINATION "${CMAKE_INSTALL_PREFIX}/lib/systemd/system")
file(INSTALL ${CUTOVER_SOURCE_DIR}/templates/config/cutover.yml
     DESTINATION "${CUTOVER_ETC}/cutover")
