/**
 * The demo city: the departments a real 12345 hotline dispatches to, the hotline's own staff in every role,
 * and at least one staff member per department. Demo only: real deployments create their own.
 */
import type { DepartmentKind, Role } from '../schema.ts';

/** `supervisionOffice`: the department that takes 效能投诉 (complaints about another department's own conduct). */
export type DemoDepartment = { code: string; name: string; kind: DepartmentKind; contactPhone: string; parent?: string; supervisionOffice?: boolean };

export const demoDepartments: DemoDepartment[] = [
  { code: 'hotline', name: '12345政务服务便民热线中心', kind: 'hotline', contactPhone: '0571-12345000' },
  { code: 'gongan', name: '市公安局', kind: 'bureau', contactPhone: '0571-87280110' },
  { code: 'gongan_jiaojing', name: '市公安局交通警察支队', kind: 'subunit', contactPhone: '0571-87280122', parent: 'gongan' },
  { code: 'renshe', name: '市人力资源和社会保障局', kind: 'bureau', contactPhone: '0571-87012333' },
  { code: 'zhujian', name: '市住房和城乡建设局', kind: 'bureau', contactPhone: '0571-87011200' },
  { code: 'chengguan', name: '市城市管理局', kind: 'bureau', contactPhone: '0571-87010310' },
  { code: 'shichang', name: '市市场监督管理局', kind: 'bureau', contactPhone: '0571-87012315' },
  { code: 'shengtai', name: '市生态环境局', kind: 'bureau', contactPhone: '0571-87012369' },
  { code: 'jiaotong', name: '市交通运输局', kind: 'bureau', contactPhone: '0571-87010393' },
  { code: 'weijian', name: '市卫生健康委员会', kind: 'bureau', contactPhone: '0571-87012320' },
  { code: 'jiaoyu', name: '市教育局', kind: 'bureau', contactPhone: '0571-87011550' },
  { code: 'minzheng', name: '市民政局', kind: 'bureau', contactPhone: '0571-87011345' },
  { code: 'ziran', name: '市自然资源和规划局', kind: 'bureau', contactPhone: '0571-87011336' },
  { code: 'shuiwu', name: '国家税务总局市税务局', kind: 'bureau', contactPhone: '0571-87012366' },
  { code: 'yibao', name: '市医疗保障局', kind: 'bureau', contactPhone: '0571-87011886' },
  { code: 'gongjijin', name: '市住房公积金管理中心', kind: 'bureau', contactPhone: '0571-87012329' },
  { code: 'shuiwu_group', name: '市水务集团有限公司', kind: 'enterprise', contactPhone: '0571-87010960' },
  { code: 'gongdian', name: '国网市供电公司', kind: 'enterprise', contactPhone: '0571-87095598' },
  { code: 'ranqi', name: '市燃气集团有限公司', kind: 'enterprise', contactPhone: '0571-87010967' },
  { code: 'jd_dongcheng', name: '东城街道办事处', kind: 'street', contactPhone: '0571-87030101' },
  { code: 'jd_xihu', name: '西湖街道办事处', kind: 'street', contactPhone: '0571-87030202' },
  { code: 'jd_nanyuan', name: '南苑街道办事处', kind: 'street', contactPhone: '0571-87030303' },
  { code: 'ducha', name: '市政府督查室（效能监督）', kind: 'bureau', contactPhone: '0571-87012000', supervisionOffice: true },
];

export type DemoUser = {
  username: string;
  displayName: string;
  employeeNo: string;
  role: Role;
  department: string;
  skills?: { skill: string; level: number }[];
};

const hotlineStaff: DemoUser[] = [
  { username: 'admin', displayName: '系统管理员', employeeNo: 'M0001', role: 'admin', department: 'hotline' },
  { username: 'supervisor', displayName: '王班长', employeeNo: 'S0001', role: 'supervisor', department: 'hotline', skills: [{ skill: 'general', level: 5 }] },
  { username: 'auditor', displayName: '李审计', employeeNo: 'Q0001', role: 'auditor', department: 'hotline' },
  { username: 'agent1', displayName: '陈晓敏', employeeNo: 'A1001', role: 'agent', department: 'hotline', skills: [{ skill: 'general', level: 5 }, { skill: 'dialect', level: 3 }] },
  { username: 'agent2', displayName: '张伟', employeeNo: 'A1002', role: 'agent', department: 'hotline', skills: [{ skill: 'general', level: 4 }, { skill: 'business', level: 5 }] },
  { username: 'agent3', displayName: '刘芳', employeeNo: 'A1003', role: 'agent', department: 'hotline', skills: [{ skill: 'general', level: 4 }, { skill: 'foreign', level: 5 }] },
  { username: 'agent4', displayName: '黄志强', employeeNo: 'A1004', role: 'agent', department: 'hotline', skills: [{ skill: 'dialect', level: 5 }, { skill: 'general', level: 3 }] },
  { username: 'agent5', displayName: '周丽', employeeNo: 'A1005', role: 'agent', department: 'hotline', skills: [{ skill: 'general', level: 3 }] },
  { username: 'agent6', displayName: '吴军', employeeNo: 'A1006', role: 'agent', department: 'hotline', skills: [{ skill: 'business', level: 4 }, { skill: 'general', level: 4 }] },
];

// One clerk per department (two for the busiest), named for the department code: gongan01, renshe01 …
const surnames = ['赵', '钱', '孙', '郑', '冯', '褚', '卫', '蒋', '沈', '韩', '杨', '朱', '秦', '尤', '许', '何', '吕', '施', '孔', '曹', '严'];
const departmentStaff: DemoUser[] = demoDepartments
  .filter((d) => d.kind !== 'hotline')
  .flatMap((d, i) => {
    const count = ['gongan', 'chengguan', 'renshe'].includes(d.code) ? 2 : 1;
    return Array.from({ length: count }, (_, k) => ({
      username: `${d.code}0${k + 1}`,
      displayName: `${surnames[(i + k * 7) % surnames.length]}${k === 0 ? '科长' : '干事'}`,
      employeeNo: `D${String(i + 1).padStart(2, '0')}${k + 1}`,
      role: 'department_staff' as const,
      department: d.code,
    }));
  });

export const demoUsers: DemoUser[] = [...hotlineStaff, ...departmentStaff];
